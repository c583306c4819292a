using System.Diagnostics;
using System.Globalization;
using System.Text;
using OutageAlerts.IntegrationTests.Infrastructure;

namespace OutageAlerts.IntegrationTests.Faults;

/// <summary>
/// The real executable as a separate process (`outage-alerts run --role …`), with its output kept for the
/// failure message, stopped with SIGTERM or killed with SIGKILL.
/// </summary>
public sealed class ServiceProcess : IAsyncDisposable
{
    private static readonly TimeSpan StopLimit = TimeSpan.FromSeconds(30);
    private readonly Process _process;
    private readonly StringBuilder _output = new();

    private ServiceProcess(string name, Process process)
    {
        Name = name;
        _process = process;
    }

    public string Name { get; }

    public bool HasExited => _process.HasExited;

    public string Output
    {
        get
        {
            lock (_output)
            {
                return _output.ToString();
            }
        }
    }

    public static ServiceProcess Start(string name, string role, IReadOnlyDictionary<string, string?> settings, string workingDirectory)
    {
        var start = Executable.StartInfo(["run", "--role", role], settings);
        start.WorkingDirectory = workingDirectory;
        start.RedirectStandardInput = false;
        var process = new Process { StartInfo = start, EnableRaisingEvents = true };
        var service = new ServiceProcess(name, process);
        process.OutputDataReceived += (_, e) => service.Append(e.Data);
        process.ErrorDataReceived += (_, e) => service.Append(e.Data);
        process.Start();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return service;
    }

    /// <summary>SIGKILL: no shutdown hooks, no draining — what a crash or the OOM killer does.</summary>
    public async Task KillAsync()
    {
        _process.Kill(entireProcessTree: true);
        await _process.WaitForExitAsync();
    }

    /// <summary>SIGTERM, then waits for the graceful shutdown; returns the exit code.</summary>
    public async Task<int> StopAsync()
    {
        if (!_process.HasExited)
        {
            using var term = Process.Start("kill", ["-s", "TERM", _process.Id.ToString(CultureInfo.InvariantCulture)]);
            await term.WaitForExitAsync();
            using var limit = new CancellationTokenSource(StopLimit);
            try
            {
                await _process.WaitForExitAsync(limit.Token);
            }
            catch (OperationCanceledException)
            {
                _process.Kill(entireProcessTree: true);
                await _process.WaitForExitAsync();
            }
        }

        return _process.ExitCode;
    }

    public async ValueTask DisposeAsync()
    {
        await StopAsync();
        _process.Dispose();
    }

    private void Append(string? line)
    {
        if (line is null)
        {
            return;
        }

        lock (_output)
        {
            _output.Append(Name).Append(": ").AppendLine(line);
        }
    }
}
