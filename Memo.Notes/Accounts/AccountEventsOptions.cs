using System.ComponentModel.DataAnnotations;

namespace Memo.Notes.Accounts;

/// <summary>Section <c>AccountEvents</c>: how this instance consumes the event stream (<see cref="AccountDeletionConsumer"/>).</summary>
public sealed class AccountEventsOptions
{
    public const string SectionName = "AccountEvents";

    /// <summary>How long to wait before reading again when the stream had nothing new.</summary>
    [Range(typeof(TimeSpan), "00:00:00.010", "00:01:00")]
    public TimeSpan PollInterval { get; set; } = TimeSpan.FromMilliseconds(500);

    /// <summary>
    /// How long an event may stay unacknowledged by the instance it was given to before another takes it over: that
    /// instance is taken for dead. Longer than deleting one account's notes can take.
    /// </summary>
    [Range(typeof(TimeSpan), "00:00:01", "1.00:00:00")]
    public TimeSpan ClaimIdleTime { get; set; } = TimeSpan.FromMinutes(1);

    /// <summary>Events read at a time.</summary>
    [Range(1, 1000)]
    public int BatchSize { get; set; } = 100;

    /// <summary>
    /// This instance's name in the consumer group; unique per instance. Default: machine name and process id. A name
    /// kept across restarts (a stateful set's pod name) lets an instance finish its own pending events at once.
    /// </summary>
    [StringLength(200)]
    public string? ConsumerName { get; set; }
}
