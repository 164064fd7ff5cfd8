namespace Memo.Auth.PeriodicWork;

/// <summary>Section <c>PeriodicWork</c>.</summary>
public sealed class PeriodicWorkOptions
{
    public const string SectionName = "PeriodicWork";

    public PeriodicWorkTrigger Trigger { get; set; } = PeriodicWorkTrigger.Timer;
}

public enum PeriodicWorkTrigger
{
    /// <summary>Background timers run each work item on its interval: a process that runs between requests.</summary>
    Timer,

    /// <summary>
    /// Each request first runs the work that is due, and <c>POST /maintenance</c> runs it without other traffic (a
    /// schedule calls it): for hosts that freeze the process between requests, such as AWS Lambda.
    /// </summary>
    Requests,
}
