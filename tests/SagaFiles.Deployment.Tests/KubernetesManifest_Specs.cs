using NUnit.Framework;
using SagaFiles.Components.StateMachines;
using SagaFiles.Components.Steps;
using Shouldly;
using YamlDotNet.RepresentationModel;

namespace SagaFiles.Deployment.Tests;

/// <summary>
/// deploy/k8s checked offline (no cluster here): every document parses and names itself, and what one manifest refers
/// to exists in another or in the code: config maps, service accounts, the worker the scaler scales, the queues it
/// watches (the step model's and the saga's, under the configured prefix, in the configured region), the probes' ports
/// and routes.
/// </summary>
public class KubernetesManifest_Specs
{
    static readonly string Folder = Path.Combine(Repository.Root, "deploy", "k8s");
    static readonly IReadOnlyList<YamlMappingNode> Documents = Load();

    [Test]
    public void Every_document_has_an_api_version_a_kind_and_a_name()
    {
        Documents.Count.ShouldBeGreaterThanOrEqualTo(8);
        foreach (var document in Documents)
        {
            Text(document, "apiVersion").ShouldNotBeNullOrWhiteSpace();
            Text(document, "kind").ShouldNotBeNullOrWhiteSpace();
            Text(document, "metadata", "name").ShouldNotBeNullOrWhiteSpace(document.ToString());
        }
    }

    [Test]
    public void Config_maps_and_service_accounts_that_pods_use_are_defined()
    {
        var configMaps = Named("ConfigMap");
        var accounts = Named("ServiceAccount");
        foreach (var (owner, pod, _) in Pods())
        {
            if (Text(pod, "serviceAccountName") is { } account)
                accounts.ShouldContain(account, $"{owner} runs as {account}");
            foreach (var container in Sequence(pod, "containers"))
            foreach (var source in Sequence(container, "envFrom"))
                if (Text(source, "configMapRef", "name") is { } configMap)
                    configMaps.ShouldContain(configMap, $"{owner} reads {configMap}");
        }
    }

    [Test]
    public void Probes_ask_a_declared_port_for_the_health_routes_the_hosts_map()
    {
        foreach (var (owner, pod, _) in Pods().Where(p => p.Kind == "Deployment"))
        foreach (var container in Sequence(pod, "containers"))
        {
            var ports = Sequence(container, "ports").Select(p => Text(p, "name")).ToList();
            (Text(container, "readinessProbe", "httpGet", "path"), Text(container, "livenessProbe", "httpGet", "path"))
                .ShouldBe(("/health/ready", "/health/live"), owner);
            ports.ShouldContain(Text(container, "readinessProbe", "httpGet", "port"), owner);
            ports.ShouldContain(Text(container, "livenessProbe", "httpGet", "port"), owner);
        }
    }

    [Test]
    public void The_scaler_scales_the_worker_on_every_step_queue_and_the_saga_queue_in_the_configured_region()
    {
        var config = Documents.Single(d => Text(d, "kind") == "ConfigMap");
        var prefix = Text(config, "data", "Messaging__Prefix").ShouldNotBeNull();
        var region = Text(config, "data", "AWS__Region").ShouldNotBeNull();
        var scaler = Documents.Single(d => Text(d, "kind") == "ScaledObject");
        var target = Text(scaler, "spec", "scaleTargetRef", "name");
        Named("Deployment").ShouldContain(target);
        Sequence(Pods().Single(p => p.Owner == target).Pod, "containers").ShouldNotBeEmpty();

        var triggers = Sequence(scaler, "spec", "triggers").ToList();
        var authentications = Named("TriggerAuthentication");
        foreach (var trigger in triggers)
        {
            Text(trigger, "type").ShouldBe("aws-sqs-queue");
            authentications.ShouldContain(Text(trigger, "authenticationRef", "name"));
            Text(trigger, "metadata", "awsRegion").ShouldBe(region);
            var url = new Uri(Text(trigger, "metadata", "queueURL").ShouldNotBeNull());
            url.Host.ShouldBe($"sqs.{region}.amazonaws.com");
            int.Parse(Text(trigger, "metadata", "queueLength")!, System.Globalization.CultureInfo.InvariantCulture).ShouldBePositive();
        }

        var watched = triggers.Select(t => new Uri(Text(t, "metadata", "queueURL")!).Segments[^1]).Order().ToList();
        watched.ShouldBe(FileSteps.All.Select(s => s.Queue).Append(FileStateDefinition.QueueName).Select(q => $"{prefix}_{q}").Order());
    }

    /// <summary>The pod templates of the Deployments and Jobs, with their owners' names.</summary>
    static IEnumerable<(string Owner, YamlMappingNode Pod, string Kind)> Pods() =>
        Documents.Where(d => Text(d, "kind") is "Deployment" or "Job")
            .Select(d => (Text(d, "metadata", "name")!, (YamlMappingNode)Node(d, "spec", "template", "spec")!, Text(d, "kind")!));

    static List<string?> Named(string kind) => [.. Documents.Where(d => Text(d, "kind") == kind).Select(d => Text(d, "metadata", "name"))];

    static YamlNode? Node(YamlNode node, params string[] path)
    {
        foreach (var key in path)
        {
            if (node is not YamlMappingNode mapping || !mapping.Children.TryGetValue(new YamlScalarNode(key), out var child))
                return null;
            node = child;
        }

        return node;
    }

    static string? Text(YamlNode node, params string[] path) => (Node(node, path) as YamlScalarNode)?.Value;

    static IEnumerable<YamlNode> Sequence(YamlNode node, params string[] path) =>
        Node(node, path) is YamlSequenceNode sequence ? sequence.Children : [];

    static List<YamlMappingNode> Load()
    {
        var documents = new List<YamlMappingNode>();
        foreach (var file in Directory.GetFiles(Folder, "*.yaml").Order(StringComparer.Ordinal))
        {
            var stream = new YamlStream();
            using (var reader = new StreamReader(file))
                stream.Load(reader);
            documents.AddRange(stream.Documents.Select(d => d.RootNode).OfType<YamlMappingNode>());
        }

        return documents;
    }
}
