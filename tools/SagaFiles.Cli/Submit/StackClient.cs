using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;

namespace SagaFiles.Cli.Submit;

/// <summary>
/// A running SagaFiles API as <c>sagafiles submit</c> uses it: uploads (one POST, or in parts through the resumable route,
/// resumed from the parts the API lists), each file's progress stream, and its results. Connection failures, timeouts, 5xx,
/// 408 and 429 are retried (each request is safe to repeat: uploads carry an Idempotency-Key); any other refusal is a
/// <see cref="SubmitException" /> with the API's reason.
/// </summary>
/// <param name="api">Sends the key; must not follow redirects (a download's redirect goes to storage, without the key).</param>
/// <param name="storage">Follows presigned URLs; sends no key.</param>
sealed class StackClient(HttpClient api, HttpClient storage, TimeSpan firstRetryDelay)
{
    /// <summary>The API's default plain-upload limit (Storage:MaxUploadBytes): larger files go in parts.</summary>
    public const long DefaultResumableOver = 100L * 1024 * 1024;

    /// <summary>Failed tries in a row before a request is given up; any progress starts the count again.</summary>
    const int MaxTries = 6;

    /// <summary>A progress stream silent this long is taken for a dead connection (the API sends a comment every 15 s).</summary>
    static readonly TimeSpan StreamIdleTimeout = TimeSpan.FromSeconds(45);

    static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    /// <summary>Uploads the file; <paramref name="sent" /> hears the bytes sent so far (again from the resume point after a retry).</summary>
    /// <param name="key">The Idempotency-Key: the same key, even from another run, answers with the same file.</param>
    /// <returns>The file's id and whether it went in parts.</returns>
    public async Task<(Guid Id, bool InParts)> SubmitAsync(string path, IReadOnlyDictionary<string, string> tags, long resumableOver, string key,
        Action<long> sent, CancellationToken cancellationToken)
    {
        var size = new FileInfo(path).Length;
        if (size > resumableOver)
            return (await SubmitInPartsAsync(path, size, tags, key, sent, cancellationToken), true);
        var answer = await RetryAsync(async () =>
        {
            long counted = 0;
            using var form = new MultipartFormDataContent();
            form.Add(new StreamContent(new FileSlice(path, 0, size, n => sent(counted += n)), 1 << 16), "file", Path.GetFileName(path));
            if (tags.Count > 0)
                form.Add(new StringContent(string.Join(',', tags.Select(t => $"{t.Key}={t.Value}"))), "tags");
            using var request = new HttpRequestMessage(HttpMethod.Post, "files") { Content = form };
            request.Headers.Add("Idempotency-Key", key);
            var response = await api.SendAsync(request, cancellationToken);
            // Over the API's own limit (smaller than ours): the resumable route takes it.
            return response.StatusCode == HttpStatusCode.RequestEntityTooLarge ? null : await ReadAsync<Accepted>(response, cancellationToken);
        }, cancellationToken);
        return answer is null ? (await SubmitInPartsAsync(path, size, tags, key, sent, cancellationToken), true) : (answer.Id, false);
    }

    async Task<Guid> SubmitInPartsAsync(string path, long size, IReadOnlyDictionary<string, string> tags, string key, Action<long> sent,
        CancellationToken cancellationToken)
    {
        var upload = await RetryAsync(async () =>
        {
            using var request = new HttpRequestMessage(HttpMethod.Post, "uploads")
            {
                Content = JsonContent.Create(new { name = Path.GetFileName(path), size, tags }, options: Json)
            };
            request.Headers.Add("Idempotency-Key", key);
            return await ReadAsync<Upload>(await api.SendAsync(request, cancellationToken), cancellationToken);
        }, cancellationToken);

        var tries = 0;
        while (true)
        {
            try
            {
                foreach (var part in upload.MissingParts)
                {
                    await SendPartAsync(path, size, upload, part, sent, cancellationToken);
                    tries = 0;
                }

                using var complete = await api.PostAsJsonAsync($"uploads/{upload.Id}/complete", new { }, Json, cancellationToken);
                // 409: a part is missing after all (another client aborted, or storage lost it): read the list again.
                if (complete.StatusCode != HttpStatusCode.Conflict)
                    return (await ReadAsync<Accepted>(complete, cancellationToken)).Id;
            }
            catch (Exception e) when (IsTransient(e, cancellationToken) && ++tries < MaxTries)
            {
                await Task.Delay(DelayBefore(tries), cancellationToken);
            }

            // Resume from what the API received: it records each part it stored.
            upload = await RetryAsync(async () => await ReadAsync<Upload>(await api.GetAsync($"uploads/{upload.Id}", cancellationToken), cancellationToken),
                cancellationToken);
            sent(upload.Received);
            // Completed or Completing: the completion got through and its answer was lost; completing again replays it.
            if (upload.Status is "Aborted" or "Expired")
                throw new SubmitException($"The upload {upload.Id} is {upload.Status}.");
        }
    }

    async Task SendPartAsync(string path, long size, Upload upload, int part, Action<long> sent, CancellationToken cancellationToken)
    {
        var offset = (part - 1) * upload.PartSize;
        var length = Math.Min(upload.PartSize, size - offset);
        var before = upload.Received;
        long counted = 0;
        var content = new StreamContent(new FileSlice(path, offset, length, n => sent(before + (counted += n))), 1 << 16);
        content.Headers.ContentLength = length;
        content.Headers.ContentType = new MediaTypeHeaderValue("application/octet-stream");
        using var response = await api.PutAsync($"uploads/{upload.Id}/parts/{part}", content, cancellationToken);
        await ReadAsync<JsonElement>(response, cancellationToken);
        upload.Received += length;
    }

    /// <summary>
    /// Follows GET /files/{id}/progress until its outcome, handing each transition to <paramref name="transition" />; a broken
    /// or silent stream is opened again with Last-Event-ID, so no transition is missed or repeated.
    /// </summary>
    /// <returns>The file as GET /files/{id} shows it once Completed or Failed.</returns>
    public async Task<JsonElement> FollowAsync(Guid id, Action<JsonElement> transition, CancellationToken cancellationToken)
    {
        string? lastEventId = null;
        var tries = 0;
        while (true)
        {
            try
            {
                using var request = new HttpRequestMessage(HttpMethod.Get, $"files/{id}/progress");
                request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("text/event-stream"));
                if (lastEventId is not null)
                    request.Headers.Add("Last-Event-ID", lastEventId);
                using var response = await api.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, cancellationToken);
                await FailUnlessSuccessAsync(response, cancellationToken);
                using var idle = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
                idle.CancelAfter(StreamIdleTimeout);
                await foreach (var message in ServerSentEvents.ReadAsync(await response.Content.ReadAsStreamAsync(cancellationToken), idle.Token))
                {
                    idle.CancelAfter(StreamIdleTimeout);
                    tries = 0;
                    var data = JsonSerializer.Deserialize<JsonElement>(message.Data);
                    if (message.Event == "outcome")
                        return data;
                    if (message.Event != "transition")
                        continue;
                    lastEventId = message.Id ?? lastEventId;
                    transition(data);
                }

                // Closed before the outcome (an API instance stopping): open it again.
                ++tries;
            }
            catch (Exception e) when (IsTransient(e, cancellationToken) && tries + 1 < MaxTries)
            {
                ++tries;
            }

            if (tries >= MaxTries)
                throw new SubmitException($"The progress stream of file {id} kept closing before the file's outcome.");
            await Task.Delay(DelayBefore(tries), cancellationToken);
        }
    }

    /// <summary>Writes the file's result <paramref name="name" /> to <paramref name="target" /> (through a partial file, renamed once whole).</summary>
    public Task DownloadAsync(Guid id, string name, string target, CancellationToken cancellationToken) =>
        RetryAsync(async () =>
        {
            using var redirect = await api.GetAsync($"files/{id}/download?what=result&name={Uri.EscapeDataString(name)}", cancellationToken);
            if (redirect.StatusCode != HttpStatusCode.Found || redirect.Headers.Location is not { } location)
            {
                await FailUnlessSuccessAsync(redirect, cancellationToken);
                throw new SubmitException($"GET /files/{id}/download answered {(int)redirect.StatusCode} instead of a redirect.");
            }

            using var response = await storage.GetAsync(location, HttpCompletionOption.ResponseHeadersRead, cancellationToken);
            await FailUnlessSuccessAsync(response, cancellationToken);
            Directory.CreateDirectory(Path.GetDirectoryName(target)!);
            await using (var file = new FileStream(target + ".partial", FileMode.Create, FileAccess.Write, FileShare.None, 1 << 16, FileOptions.Asynchronous))
                await response.Content.CopyToAsync(file, cancellationToken);
            File.Move(target + ".partial", target, overwrite: true);
            return true;
        }, cancellationToken);

    async Task<T> RetryAsync<T>(Func<Task<T>> attempt, CancellationToken cancellationToken)
    {
        for (var tries = 1;; tries++)
        {
            try
            {
                return await attempt();
            }
            catch (Exception e) when (IsTransient(e, cancellationToken) && tries < MaxTries)
            {
                await Task.Delay(DelayBefore(tries), cancellationToken);
            }
        }
    }

    TimeSpan DelayBefore(int tries) => TimeSpan.FromTicks(Math.Min(firstRetryDelay.Ticks << Math.Min(tries - 1, 10), TimeSpan.FromSeconds(10).Ticks));

    static bool IsTransient(Exception e, CancellationToken cancellationToken) =>
        e is HttpRequestException or IOException or TransientAnswerException
        || (e is OperationCanceledException && !cancellationToken.IsCancellationRequested);

    static async Task<T> ReadAsync<T>(HttpResponseMessage response, CancellationToken cancellationToken)
    {
        using (response)
        {
            await FailUnlessSuccessAsync(response, cancellationToken);
            return (await response.Content.ReadFromJsonAsync<T>(Json, cancellationToken))!;
        }
    }

    static async Task FailUnlessSuccessAsync(HttpResponseMessage response, CancellationToken cancellationToken)
    {
        if (response.IsSuccessStatusCode)
            return;
        var status = (int)response.StatusCode;
        var reason = await ProblemAsync(response, cancellationToken);
        if (status >= 500 || response.StatusCode is HttpStatusCode.RequestTimeout or HttpStatusCode.TooManyRequests)
            throw new TransientAnswerException($"{status}: {reason}");
        throw new SubmitException($"{response.RequestMessage?.Method} {response.RequestMessage?.RequestUri?.AbsolutePath} answered {status}: {reason}");
    }

    /// <summary>What a problem details body says went wrong (its errors' reasons, else its detail or title), else the status text.</summary>
    static async Task<string> ProblemAsync(HttpResponseMessage response, CancellationToken cancellationToken)
    {
        var text = await response.Content.ReadAsStringAsync(cancellationToken);
        try
        {
            var problem = JsonSerializer.Deserialize<JsonElement>(text);
            if (problem.ValueKind == JsonValueKind.Object)
            {
                if (problem.TryGetProperty("errors", out var errors) && errors.ValueKind == JsonValueKind.Array && errors.GetArrayLength() > 0)
                    return string.Join(" ", errors.EnumerateArray().Select(e => e.TryGetProperty("reason", out var r) ? r.GetString() : e.ToString()));
                foreach (var field in new[] { "detail", "title" })
                    if (problem.TryGetProperty(field, out var value) && value.GetString() is { Length: > 0 } said)
                        return said;
            }
        }
        catch (JsonException)
        {
            // Not a problem document (a proxy's page, storage's XML): the status says what there is to say.
        }

        return response.ReasonPhrase ?? response.StatusCode.ToString();
    }

    sealed record Accepted(Guid Id);

    sealed record Upload(Guid Id, string Status, long PartSize, List<Part> Parts, List<int> MissingParts)
    {
        /// <summary>Bytes of the parts the API holds, kept up to date as parts are sent.</summary>
        public long Received { get; set; } = Parts.Sum(p => p.Size);
    }

    sealed record Part(int Number, long Size);

    sealed class TransientAnswerException(string message) : Exception(message);
}

/// <summary>The API refused a request for good (a 4xx other than 408/429), or a request kept failing; the message says why.</summary>
sealed class SubmitException(string message) : Exception(message);
