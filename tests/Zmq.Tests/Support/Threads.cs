namespace Zmq.Tests.Support;

internal static class Threads
{
    /// <summary>Runs blocking work on a thread of its own, so that tests which block many threads do
    /// not starve the thread pool that the sockets' I/O loops (and other tests) run on.</summary>
    public static Task Run(Action work)
    {
        var done = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var t = new Thread(() =>
        {
            try
            {
                work();
                done.SetResult();
            }
            catch (Exception e)
            {
                done.SetException(e);
            }
        })
        { IsBackground = true };
        t.Start();
        return done.Task;
    }
}
