using System.Threading.Channels;
using Grpc.Core;

namespace Rnn.Silo.Api;

/// <summary>
/// Lets the silo's own watch logic (<c>Rnn.Silo.Api.JobWatch</c>, which writes to a gRPC response stream) write into
/// a channel instead, so the Orleans client watches with exactly the service's ordering, de-duplication and gap filling.
/// </summary>
internal sealed class ChannelStreamWriter<T>(ChannelWriter<T> channel) : IServerStreamWriter<T>
{
    public WriteOptions? WriteOptions { get; set; }

    public Task WriteAsync(T message) => channel.WriteAsync(message).AsTask();
}
