using System.ComponentModel.DataAnnotations;

namespace Memo.Auth.Outbox;

/// <summary>Section <c>Outbox</c>: how events reach the Redis stream (<see cref="OutboxRelay"/>).</summary>
public sealed class OutboxOptions
{
    public const string SectionName = "Outbox";

    /// <summary>How often the relay looks for events not yet published (besides right after each one is written).</summary>
    [Range(typeof(TimeSpan), "00:00:00.100", "00:10:00")]
    public TimeSpan RelayInterval { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>
    /// How long a published event stays in the outbox, to be published again should Redis lose the stream: consumers
    /// that were down longer than this when Redis lost it miss the event.
    /// </summary>
    [Range(typeof(TimeSpan), "01:00:00", "90.00:00:00")]
    public TimeSpan Retention { get; set; } = TimeSpan.FromDays(7);

    /// <summary>The stream is trimmed to about this many entries; a consumer group further behind loses the oldest.</summary>
    [Range(1_000, 100_000_000)]
    public long StreamMaxLength { get; set; } = 100_000;
}
