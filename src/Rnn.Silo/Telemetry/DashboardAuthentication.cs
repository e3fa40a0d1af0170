using Microsoft.AspNetCore.Http;
using Rnn.Silo.Authentication;

namespace Rnn.Silo.Telemetry;

/// <summary>
/// The API's bearer tokens in front of the Orleans Dashboard. A browser cannot add an Authorization header to the
/// dashboard's own requests, so a token may also come once as ?token=… and is then kept in an HttpOnly cookie
/// scoped to the dashboard's path. With --insecure-dev (no token table) the dashboard is open, like the API.
/// </summary>
public sealed class DashboardAuthentication(ApiAuthentication authentication, string path)
{
    public const string CookieName = "rnn_dashboard_token";

    public async Task InvokeAsync(HttpContext context, RequestDelegate next)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(next);
        if (authentication.Tokens is not { } tokens)
        {
            await next(context);
            return;
        }
        var fromQuery = context.Request.Query["token"].ToString();
        var token = BearerToken(context.Request) ?? (fromQuery.Length > 0 ? fromQuery : null) ?? context.Request.Cookies[CookieName];
        if (token is null || tokens.TenantOf(token) is null)
        {
            context.Response.StatusCode = StatusCodes.Status401Unauthorized;
            context.Response.Headers.WWWAuthenticate = "Bearer";
            await context.Response.WriteAsync("the dashboard needs an API token: 'Authorization: Bearer <token>' or ?token=<token>");
            return;
        }
        if (fromQuery.Length > 0)
            context.Response.Cookies.Append(CookieName, token, new CookieOptions
            {
                HttpOnly = true, Path = path, SameSite = SameSiteMode.Strict, Secure = context.Request.IsHttps,
            });
        await next(context);
    }

    private static string? BearerToken(HttpRequest request)
    {
        const string scheme = "Bearer ";
        var header = request.Headers.Authorization.ToString();
        return header.StartsWith(scheme, StringComparison.OrdinalIgnoreCase) ? header[scheme.Length..].Trim() : null;
    }
}
