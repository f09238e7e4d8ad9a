using System.Buffers.Binary;
using System.Security.Cryptography;

namespace SagaFiles.Components.Consumers;

/// <summary>
/// A child file's id follows from its parent and its place in the archive, so a convert step that runs again
/// publishes the same children and their sagas ignore the repeat.
/// </summary>
static class ChildFileIds
{
    public static Guid For(Guid parentFileId, int entryIndex)
    {
        Span<byte> input = stackalloc byte[20];
        parentFileId.TryWriteBytes(input, bigEndian: true, out _);
        BinaryPrimitives.WriteInt32BigEndian(input[16..], entryIndex);
        Span<byte> hash = stackalloc byte[32];
        SHA256.HashData(input, hash);
        // An RFC 9562 version 8 (name-based, our own hash) UUID.
        hash[6] = (byte)((hash[6] & 0x0F) | 0x80);
        hash[8] = (byte)((hash[8] & 0x3F) | 0x80);
        return new Guid(hash[..16], bigEndian: true);
    }
}
