using System.ComponentModel.DataAnnotations;

namespace Memo.Notes.Revocation;

/// <summary>Section <c>Revocation</c>.</summary>
public sealed class RevocationOptions
{
    public const string SectionName = "Revocation";

    /// <summary>How often the mirror rereads the whole revocation cache, in case a pub/sub message was lost.</summary>
    [Range(typeof(TimeSpan), "00:00:01", "01:00:00")]
    public TimeSpan ResyncInterval { get; set; } = TimeSpan.FromSeconds(30);
}
