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

    /// <summary>Runs blocking work returning a value on a thread of its own; the thread is exposed so a
    /// test can wait until it blocks.</summary>
    public static (Thread Thread, Task<T> Task) Start<T>(Func<T> work)
    {
        var done = new TaskCompletionSource<T>(TaskCreationOptions.RunContinuationsAsynchronously);
        var t = new Thread(() =>
        {
            try
            {
                done.SetResult(work());
            }
            catch (Exception e)
            {
                done.SetException(e);
            }
        })
        { IsBackground = true };
        t.Start();
        return (t, done.Task);
    }
}
