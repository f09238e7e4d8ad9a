using System.ComponentModel.DataAnnotations;

namespace SagaFiles.ServiceDefaults;

/// <summary>Where SQS, SNS and S3 are (section <c>AWS</c>). Unset keys mean the default AWS credential chain.</summary>
public sealed class AwsOptions : IValidatableObject
{
    public const string Section = "AWS";

    [Required]
    [RegularExpression("^[a-z]{2}(-[a-z]+)+-[0-9]$", ErrorMessage = "AWS:Region must be an AWS region such as us-east-1.")]
    public string Region { get; set; } = "us-east-1";

    /// <summary>One endpoint for SQS, SNS and S3 (fauxqs, LocalStack); unset for AWS itself.</summary>
    public Uri? ServiceURL { get; set; }

    public string? AccessKey { get; set; }

    public string? SecretKey { get; set; }

    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        if (string.IsNullOrEmpty(AccessKey) != string.IsNullOrEmpty(SecretKey))
            yield return new ValidationResult("AWS:AccessKey and AWS:SecretKey go together: set both or neither.", [nameof(AccessKey), nameof(SecretKey)]);
        if (ServiceURL is { IsAbsoluteUri: false } or { Scheme: not ("http" or "https") })
            yield return new ValidationResult("AWS:ServiceURL must be an absolute http(s) URL.", [nameof(ServiceURL)]);
    }
}
