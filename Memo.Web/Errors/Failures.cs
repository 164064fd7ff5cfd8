namespace Memo.Web.Errors;

/// <summary>The parts of Memo that Memo.Web depends on, as a person would be told about them.</summary>
public enum MemoService
{
    Auth,
    Notes,
    Cache,
}

/// <summary>A service Memo.Web needs did not answer, or answered with a server error: a banner and a retry, not an error page.</summary>
public sealed class ServiceUnavailableException(MemoService service, Exception? inner = null)
    : Exception($"Memo.Web could not reach {service}.", inner)
{
    public MemoService Service { get; } = service;
}

/// <summary>The browser's session is over (signed out elsewhere, revoked, expired): back to sign-in with a message.</summary>
public sealed class SessionEndedException() : Exception("The session has ended.");
