using System.ComponentModel.DataAnnotations;

namespace Memo.Auth.Keys;

/// <summary>Section <c>SigningKeys</c>.</summary>
public sealed class SigningKeyOptions
{
    public const string SectionName = "SigningKeys";

    /// <summary>How often each Auth instance rereads the keys, to pick up a rotation made elsewhere.</summary>
    [Range(typeof(TimeSpan), "00:00:01", "01:00:00")]
    public TimeSpan ReloadInterval { get; set; } = TimeSpan.FromSeconds(10);
}
