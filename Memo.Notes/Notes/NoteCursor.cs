using System.Buffers.Binary;

using Microsoft.IdentityModel.Tokens;

namespace Memo.Notes.Notes;

/// <summary>
/// Where a page ended: the (created_at, id) of its last note, opaque to clients (base64url of 8 + 16 bytes).
/// The next page starts strictly after it, so notes added meanwhile are neither skipped nor repeated.
/// </summary>
public readonly record struct NoteCursor(DateTimeOffset CreatedAt, Guid Id)
{
    private const int Length = 24;

    public override string ToString()
    {
        Span<byte> bytes = stackalloc byte[Length];
        BinaryPrimitives.WriteInt64BigEndian(bytes, CreatedAt.UtcTicks);
        Id.TryWriteBytes(bytes[8..], bigEndian: true, out _);
        return Base64UrlEncoder.Encode(bytes.ToArray());
    }

    public static bool TryParse(string? text, out NoteCursor cursor)
    {
        cursor = default;
        try
        {
            var bytes = Base64UrlEncoder.DecodeBytes(text ?? "");
            var ticks = bytes.Length == Length ? BinaryPrimitives.ReadInt64BigEndian(bytes) : -1;
            if (ticks < DateTimeOffset.MinValue.UtcTicks || ticks > DateTimeOffset.MaxValue.UtcTicks)
            {
                return false;
            }

            cursor = new NoteCursor(new DateTimeOffset(ticks, TimeSpan.Zero), new Guid(bytes.AsSpan(8), bigEndian: true));
            return true;
        }
        catch (FormatException)
        {
            return false;
        }
    }
}
