using OutageAlerts.Host.Benchmarking;

namespace OutageAlerts.IntegrationTests.Benchmarking;

public sealed class MachineLoadTests
{
    // A two-processor machine as a 6.1 kernel writes it, shortened: the per-processor lines and the counters after
    // them must not be taken for the aggregate line.
    private const string TwoProcessors =
        "cpu  4705 150 1120 16250 520 0 30 0 0 0\n" +
        "cpu0 2400 70 560 8100 260 0 20 0 0 0\n" +
        "cpu1 2305 80 560 8150 260 0 10 0 0 0\n" +
        "intr 114930548 113 0 0\n" +
        "ctxt 1990473\n" +
        "btime 1062191376\n";

    [Fact]
    public void Parse_AggregateLine_BusyIsTotalLessIdleAndIoWait()
    {
        var jiffies = CpuJiffies.Parse(TwoProcessors);

        // user + nice + system + idle + iowait + irq + softirq + steal
        Assert.Equal(new CpuJiffies(Busy: 4705 + 150 + 1120 + 30, Total: 4705 + 150 + 1120 + 16250 + 520 + 30), jiffies);
    }

    [Fact]
    public void Parse_GuestTime_IsNotCountedTwice()
    {
        // guest (40) and guest_nice (5), the last two fields, are already part of user and nice.
        var jiffies = CpuJiffies.Parse("cpu  100 10 20 300 5 1 2 3 40 5\n");

        Assert.Equal(new CpuJiffies(Busy: 100 + 10 + 20 + 1 + 2 + 3, Total: 100 + 10 + 20 + 300 + 5 + 1 + 2 + 3), jiffies);
    }

    [Fact]
    public void Parse_OldKernelWithFourFields_HasNoIoWait()
    {
        var jiffies = CpuJiffies.Parse("cpu 10 2 8 80\ncpu0 10 2 8 80\n");

        Assert.Equal(new CpuJiffies(Busy: 20, Total: 100), jiffies);
    }

    [Fact]
    public void Parse_AggregateLineNotFirst_FindsIt()
    {
        var jiffies = CpuJiffies.Parse("cpu0 1 1 1 1 1\ncpu  7 0 3 90 0 0 0 0\n");

        Assert.Equal(new CpuJiffies(Busy: 10, Total: 100), jiffies);
    }

    [Theory]
    [InlineData("")]
    [InlineData("intr 1 2 3\nctxt 4\n")]
    [InlineData("cpu0 1 2 3 4 5\n")]
    [InlineData("cpu  1 2 3\n")]
    [InlineData("cpu  1 two 3 4 5\n")]
    [InlineData("cpu  1 -2 3 4 5\n")]
    public void Parse_NoUsableAggregateLine_ReturnsNull(string procStat)
    {
        Assert.Null(CpuJiffies.Parse(procStat));
    }

    [Fact]
    public void From_TwoReadings_DividesTicksBySecondsAndSplitsOffTheProcess()
    {
        // 300 busy ticks (3 s of processor time) in 2 s on the machine, 1.2 s of it this process's.
        var load = MachineLoad.From(new CpuJiffies(1000, 5000), new CpuJiffies(1300, 5400), TimeSpan.FromSeconds(1.2), seconds: 2, processors: 2);

        Assert.Equal(new MachineLoad(Seconds: 2, MachineBusyCores: 1.5, ProcessCores: 0.6, OtherCores: 0.9, Processors: 2), load);
    }

    [Fact]
    public void From_ProcessAheadOfTheMachineClock_OtherCoresIsZero()
    {
        var load = MachineLoad.From(new CpuJiffies(0, 0), new CpuJiffies(50, 100), TimeSpan.FromSeconds(0.6), seconds: 1, processors: 2);

        Assert.NotNull(load);
        Assert.Equal(0.5, load.MachineBusyCores);
        Assert.Equal(0.6, load.ProcessCores);
        Assert.Equal(0, load.OtherCores);
    }

    [Fact]
    public void From_AReadingMissing_ReturnsNull()
    {
        Assert.Null(MachineLoad.From(null, new CpuJiffies(50, 100), TimeSpan.FromSeconds(0.1), seconds: 1, processors: 2));
        Assert.Null(MachineLoad.From(new CpuJiffies(50, 100), null, TimeSpan.FromSeconds(0.1), seconds: 1, processors: 2));
    }

    [Fact]
    public void Parse_ThisMachinesProcStat_IsReadableOnLinux()
    {
        if (!OperatingSystem.IsLinux())
        {
            return;
        }

        var jiffies = CpuJiffies.Parse(File.ReadAllText("/proc/stat"));

        Assert.NotNull(jiffies);
        Assert.InRange(jiffies.Value.Busy, 1, jiffies.Value.Total);
    }

    [Fact]
    public void Combine_PhasesOfDifferentLengths_WeighsEachByItsSeconds()
    {
        var combined = MachineLoad.Combine([new MachineLoad(1, 2.0, 1.0, 1.0, 2), new MachineLoad(3, 1.0, 0.5, 0.5, 2)]);

        Assert.Equal(new MachineLoad(4, 1.25, 0.625, 0.625, 2), combined);
    }

    [Fact]
    public void Combine_APhaseWhereTheProcessOutranTheMachinesTicks_RestIsStillMachineLessProcess()
    {
        // The first phase's rest was clamped at 0: /proc/stat's ticks and the process's own time are read apart.
        var combined = MachineLoad.Combine([new MachineLoad(1, 0.5, 0.7, 0, 2), new MachineLoad(1, 1.5, 0.5, 1.0, 2)]);

        Assert.Equal(new MachineLoad(2, 1.0, 0.6, 0.4, 2), combined);
    }

    [Fact]
    public void Combine_OnePhaseUnknown_IsUnknown()
    {
        Assert.Null(MachineLoad.Combine([new MachineLoad(1, 2.0, 1.0, 1.0, 2), null]));
        Assert.Null(MachineLoad.Combine([]));
    }
}
