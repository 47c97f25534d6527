using BenchmarkDotNet.Running;

// Pick benchmarks with BenchmarkDotNet's own arguments, e.g. --filter '*FrameDecoder*' or --list flat.
BenchmarkSwitcher.FromAssembly(typeof(Zmq.Benchmarks.FrameBenchmarks).Assembly).Run(args);
