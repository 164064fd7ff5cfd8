using System.ComponentModel.DataAnnotations;

using Memo.ServiceDefaults.Authentication;

namespace Memo.Auth.Keys;

/// <summary>Section <c>SigningKeys</c>.</summary>
public sealed class SigningKeyOptions
{
    public const string SectionName = "SigningKeys";

    /// <summary>How often each Auth instance rereads the keys, to pick up a rotation made elsewhere.</summary>
    [Range(typeof(TimeSpan), "00:00:01", "01:00:00")]
    public TimeSpan ReloadInterval { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>
    /// The algorithm of the first key of an empty database and of <c>rotate-signing-key</c> without an argument.
    /// Existing keys keep theirs: the newest key signs, whatever its algorithm (README, "Tokens").
    /// </summary>
    [AllowedValues(JwtOptions.Es256, JwtOptions.Rs256)]
    public string Algorithm { get; set; } = JwtOptions.Es256;
}
