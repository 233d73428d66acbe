namespace TheReview.Backend.Api.Configuration;

/// <summary>
/// A setting the operator has to fix (a missing secret file, an unknown command). Start-up reports it in
/// one line naming the setting; any other exception is a bug and keeps its stack trace.
/// </summary>
public sealed class InvalidSettingException : Exception
{
    public InvalidSettingException()
    {
    }

    public InvalidSettingException(string message)
        : base(message)
    {
    }

    public InvalidSettingException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
