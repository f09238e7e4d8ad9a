using System.Runtime.InteropServices;
using SagaFiles.DevStack;

// SagaFiles.DevStack up --state DIR [--owner PID]: the local stack in the foreground until SIGTERM/SIGINT/SIGHUP, or
// until the owner process (./sagafiles up in a terminal) is gone, even if it was SIGKILLed. Run by ./sagafiles.
if (args is not ["up", "--state", var state, .. var rest] || rest is not ([] or ["--owner", _]))
{
    await Console.Error.WriteLineAsync("usage: SagaFiles.DevStack up --state DIR [--owner PID]");
    return 64;
}

using var stopping = new CancellationTokenSource();
using var term = PosixSignalRegistration.Create(PosixSignal.SIGTERM, Stop);
using var interrupt = PosixSignalRegistration.Create(PosixSignal.SIGINT, Stop);
using var hangUp = PosixSignalRegistration.Create(PosixSignal.SIGHUP, Stop);
if (rest is [_, var owner])
    _ = OwnerWatch.StopWhenGoneAsync(int.Parse(owner, System.Globalization.CultureInfo.InvariantCulture), stopping);

return await new LocalStackUp(Path.GetFullPath(state)).RunAsync(stopping.Token);

void Stop(PosixSignalContext context)
{
    context.Cancel = true;
    stopping.Cancel();
}
