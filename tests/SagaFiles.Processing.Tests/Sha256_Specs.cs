using System.Security.Cryptography;
using System.Text;
using SagaFiles.Processing.Hashing;
using SagaFiles.Processing.Tests.Support;

namespace SagaFiles.Processing.Tests;

public class Sha256_Specs
{
    // FIPS 180-2 / NIST test vectors
    [TestCase("", "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855")]
    [TestCase("abc", "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad")]
    [TestCase("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq",
        "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1")]
    public async Task Known_vectors_hash_to_their_published_digests(string message, string digest)
    {
        await using var stream = new MemoryStream(Encoding.ASCII.GetBytes(message));

        var checksum = await Sha256.ComputeAsync(stream);

        checksum.Hex.ShouldBe(digest);
        checksum.Length.ShouldBe(message.Length);
    }

    [Test]
    public async Task A_million_a_hashes_to_its_published_digest()
    {
        await using var stream = new MemoryStream(Enumerable.Repeat((byte)'a', 1_000_000).ToArray());

        var checksum = await Sha256.ComputeAsync(stream);

        checksum.Hex.ShouldBe("cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0");
    }

    [Test]
    public async Task Copying_through_the_stream_hashes_what_passes_and_forwards_every_byte()
    {
        var content = RandomNumberGenerator.GetBytes(3 * 1024 * 1024 + 17);
        await using var source = new MemoryStream(content);
        await using var destination = new MemoryStream();
        await using var hashing = new HashingStream(source, leaveOpen: true);

        await hashing.CopyToAsync(destination);

        hashing.IsComplete.ShouldBeTrue();
        hashing.Checksum.Hex.ShouldBe(Convert.ToHexStringLower(SHA256.HashData(content)));
        hashing.Checksum.Length.ShouldBe(content.Length);
        destination.ToArray().ShouldBe(content);
    }

    [Test]
    public void Reading_in_small_synchronous_chunks_gives_the_same_digest()
    {
        var content = RandomNumberGenerator.GetBytes(100_000);
        using var hashing = new HashingStream(new MemoryStream(content));
        var buffer = new byte[777];

        while (hashing.Read(buffer, 0, buffer.Length) > 0)
        {
        }

        hashing.Checksum.Hex.ShouldBe(Convert.ToHexStringLower(SHA256.HashData(content)));
        hashing.BytesRead.ShouldBe(content.Length);
    }

    [Test]
    public async Task The_digest_is_not_available_before_the_end()
    {
        await using var hashing = new HashingStream(new MemoryStream(new byte[10]));
        await hashing.ReadExactlyAsync(new byte[5]);

        hashing.IsComplete.ShouldBeFalse();
        Should.Throw<InvalidOperationException>(() => hashing.Checksum);
    }

    [Test]
    public async Task A_large_stream_is_hashed_without_being_held_in_memory()
    {
        const long length = 256L * 1024 * 1024;
        await using var generated = new GeneratedStream(length, seed: 1);
        var expected = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        await using (var reference = new GeneratedStream(length, seed: 1))
        {
            var buffer = new byte[1 << 20];
            int read;
            while ((read = await reference.ReadAsync(buffer)) > 0)
                expected.AppendData(buffer, 0, read);
        }

        var allocatedBefore = GC.GetTotalAllocatedBytes(precise: true);
        var checksum = await Sha256.ComputeAsync(generated);
        var allocated = GC.GetTotalAllocatedBytes(precise: true) - allocatedBefore;

        checksum.Hex.ShouldBe(Convert.ToHexStringLower(expected.GetHashAndReset()));
        checksum.Length.ShouldBe(length);
        allocated.ShouldBeLessThan(4 * 1024 * 1024);
    }
}
