using System.Text.Json;
using BenchmarkDotNet.Attributes;
using OutageAlerts.Classification;

namespace OutageAlerts.Benchmarks;

/// <summary>
/// Classification throughput on one core and allocations per item, over the dev set: English, Ukrainian and
/// Russian items, strike reports and hard negatives in the proportions the feeds deliver them. Each invocation
/// classifies every item once, so the reported time and allocation are per item.
/// </summary>
[MemoryDiagnoser]
public class ClassificationBenchmarks
{
    private const string CorpusResource = "OutageAlerts.Benchmarks.dev.jsonl";

    /// <summary>Items per invocation: the first this many of the corpus, so the dev set can grow freely.</summary>
    private const int CorpusItems = 300;

    private StrikeClassifier _engine = null!;
    private Report[] _reports = [];

    [GlobalSetup]
    public void Setup()
    {
        _engine = StrikeClassifier.CreateDefault();
        var corpus = LoadCorpus();
        if (corpus.Length < CorpusItems)
        {
            throw new InvalidOperationException($"The corpus has {corpus.Length} items, fewer than the {CorpusItems} measured per invocation.");
        }

        _reports = corpus[..CorpusItems];

        // Data loading and JIT happen here, not in the measured loop.
        foreach (var report in _reports)
        {
            _engine.Classify(report);
        }
    }

    /// <summary>Classifies the whole mix once; BenchmarkDotNet divides by <see cref="CorpusItems"/>.</summary>
    [Benchmark(OperationsPerInvoke = CorpusItems)]
    public int ClassifyMixedItems()
    {
        var alerts = 0;
        foreach (var report in _reports)
        {
            if (_engine.Classify(report).Alert)
            {
                alerts++;
            }
        }

        return alerts;
    }

    private static Report[] LoadCorpus()
    {
        using var stream = typeof(ClassificationBenchmarks).Assembly.GetManifestResourceStream(CorpusResource)
            ?? throw new InvalidOperationException($"Embedded corpus {CorpusResource} is missing.");
        using var reader = new StreamReader(stream);
        var reports = new List<Report>();
        while (reader.ReadLine() is { } line)
        {
            if (string.IsNullOrWhiteSpace(line))
            {
                continue;
            }

            using var doc = JsonDocument.Parse(line);
            var root = doc.RootElement;
            reports.Add(new Report(
                root.GetProperty("id").GetString() ?? string.Empty,
                root.GetProperty("title").GetString() ?? string.Empty,
                root.TryGetProperty("summary", out var summary) ? summary.GetString() : null,
                null,
                null,
                root.TryGetProperty("source", out var source) ? source.GetString() : null));
        }

        return [.. reports];
    }
}
