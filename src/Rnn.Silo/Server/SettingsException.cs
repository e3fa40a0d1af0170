namespace Rnn.Silo.Server;

/// <summary>A setting that stops the silo before it starts; the message names the setting and what to do.</summary>
public sealed class SettingsException(string message) : Exception(message);
