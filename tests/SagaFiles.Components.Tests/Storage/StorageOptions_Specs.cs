using System.ComponentModel.DataAnnotations;
using NUnit.Framework;
using SagaFiles.Storage;
using Shouldly;

namespace SagaFiles.Components.Tests.Storage;

public class StorageOptions_Specs
{
    static List<ValidationResult> Validate(StorageOptions options)
    {
        var results = new List<ValidationResult>();
        Validator.TryValidateObject(options, new ValidationContext(options), results, validateAllProperties: true);
        return results;
    }

    [Test]
    public void The_defaults_are_valid()
    {
        var options = new StorageOptions();

        Validate(options).ShouldBeEmpty();
        options.MaxUploadBytes.ShouldBe(100 * 1024 * 1024);
        options.MaxFileBytes.ShouldBe(5L * 1024 * 1024 * 1024);
        options.PresignedUrlLifetime.ShouldBe(TimeSpan.FromMinutes(15));
        options.Buckets.ShouldBe(["sagafiles-incoming", "sagafiles-staging", "sagafiles-processed"]);
    }

    [TestCase("ab")]
    [TestCase("Upper-Case")]
    [TestCase("under_score")]
    [TestCase("-leading-dash")]
    [TestCase("trailing-dash-")]
    [TestCase("two..dots")]
    [TestCase("192.168.1.10")]
    [TestCase("xn--reserved")]
    [TestCase("reserved-s3alias")]
    [TestCase("a-name-that-is-far-too-long-to-be-a-bucket-name-because-s3-says-63")]
    public void A_bucket_name_S3_would_refuse_is_rejected_at_start_up(string bucket)
    {
        var results = Validate(new StorageOptions { StagingBucket = bucket });

        results.ShouldHaveSingleItem().MemberNames.ShouldBe([nameof(StorageOptions.StagingBucket)]);
        results[0].ErrorMessage.ShouldNotBeNull().ShouldContain($"'{bucket}' is not a valid S3 bucket name");
    }

    [TestCase("abc")]
    [TestCase("my.bucket-2026")]
    [TestCase("sagafiles-staging")]
    public void A_valid_bucket_name_is_accepted(string bucket) =>
        Validate(new StorageOptions { StagingBucket = bucket }).ShouldBeEmpty();

    [Test]
    public void The_three_buckets_must_differ() =>
        Validate(new StorageOptions { StagingBucket = "sagafiles-processed" }).ShouldHaveSingleItem()
            .ErrorMessage.ShouldNotBeNull().ShouldContain("three different buckets");

    [Test]
    public void Limits_outside_what_S3_allows_are_rejected()
    {
        Validate(new StorageOptions { MaxUploadBytes = 0 }).ShouldHaveSingleItem();
        Validate(new StorageOptions { MaxUploadBytes = StorageOptions.MaxCopyBytes + 1 }).ShouldHaveSingleItem();
        Validate(new StorageOptions { MaxFileBytes = 0 }).ShouldNotBeEmpty();
        Validate(new StorageOptions { MaxFileBytes = StorageOptions.MaxCopyBytes + 1 }).ShouldHaveSingleItem();
        Validate(new StorageOptions { PresignedUrlLifetime = TimeSpan.Zero }).ShouldHaveSingleItem();
        Validate(new StorageOptions { PresignedUrlLifetime = TimeSpan.FromDays(8) }).ShouldHaveSingleItem();
    }

    [Test]
    public void A_plain_upload_may_not_be_larger_than_the_largest_file() =>
        Validate(new StorageOptions { MaxUploadBytes = 2048, MaxFileBytes = 1024 }).ShouldHaveSingleItem()
            .ErrorMessage.ShouldNotBeNull().ShouldContain("Storage:MaxUploadBytes cannot be larger than Storage:MaxFileBytes");
}
