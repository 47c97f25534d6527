using System.Diagnostics;
using System.IO.Compression;
using System.Reflection;
using System.Xml.Linq;

namespace Zmq.Packaging.Tests;

/// <summary>
/// What a new user gets: the solution packs into a Zmq library package and a Zmq.Cli tool package,
/// a fresh console project adds Zmq from that feed and makes a CLIENT/SERVER round trip, and the
/// tool installs and answers --help. Packed with --no-build from the test run's own build, so the
/// packages hold exactly the assemblies the other test projects test.
/// </summary>
public sealed class PackageTests : IDisposable
{
#if DEBUG
    private const string Configuration = "Debug";
#else
    private const string Configuration = "Release";
#endif

    private readonly DirectoryInfo _work = Directory.CreateTempSubdirectory("zmq-packaging-");
    private readonly string _root = RepositoryRoot();
    private readonly string _feed;

    public PackageTests()
    {
        _feed = Path.Combine(_work.FullName, "feed");
    }

    public void Dispose() => _work.Delete(recursive: true);

    private static string Version =>
        typeof(ZmqSocket).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()!.InformationalVersion.Split('+')[0];

    [Fact]
    public async Task Pack_ProducesTheLibraryWithReadmeDocsSymbolsAndLicence_AndTheToolNamedZmq()
    {
        await Dotnet(_root, "pack", "Zmq.slnx", "-c", Configuration, "--no-build", "-o", _feed);

        string library = Path.Combine(_feed, $"Zmq.{Version}.nupkg");
        Assert.True(File.Exists(library), $"no {library}: the package version must be the assemblies' ({Version})");
        Assert.True(File.Exists(Path.Combine(_feed, $"Zmq.{Version}.snupkg")), "no symbols package");
        using (var zip = ZipFile.OpenRead(library))
        {
            var names = zip.Entries.Select(e => e.FullName).ToHashSet();
            Assert.Contains("lib/net10.0/Zmq.dll", names);
            Assert.Contains("lib/net10.0/Zmq.xml", names);
            Assert.Contains("README.md", names);
            var meta = Nuspec(zip);
            Assert.Equal("MIT", meta.Element(meta.Name.Namespace + "license")?.Value);
            Assert.Equal("README.md", meta.Element(meta.Name.Namespace + "readme")?.Value);
            Assert.False(string.IsNullOrWhiteSpace(meta.Element(meta.Name.Namespace + "description")?.Value));
            Assert.Contains("zeromq", meta.Element(meta.Name.Namespace + "tags")?.Value);
            Assert.Equal("git", meta.Element(meta.Name.Namespace + "repository")?.Attribute("type")?.Value);
        }

        string tool = Path.Combine(_feed, $"Zmq.Cli.{Version}.nupkg");
        Assert.True(File.Exists(tool), $"no {tool}");
        using (var zip = ZipFile.OpenRead(tool))
        {
            var settings = zip.Entries.Single(e => e.FullName.EndsWith("DotnetToolSettings.xml", StringComparison.Ordinal));
            using var stream = settings.Open();
            var command = XDocument.Load(stream).Descendants("Command").Single();
            Assert.Equal("zmq", command.Attribute("Name")?.Value);
        }
        Assert.DoesNotContain(Directory.GetFiles(_feed, "*.nupkg"), p => Path.GetFileName(p).Contains("Tests", StringComparison.Ordinal) || Path.GetFileName(p).Contains("Perf", StringComparison.Ordinal));
    }

    [Fact]
    public async Task FreshConsoleProject_AddsZmqFromTheFeed_AndMakesAClientServerRoundTrip()
    {
        await Dotnet(_root, "pack", "src/Zmq/Zmq.csproj", "-c", Configuration, "--no-build", "-o", _feed);
        string app = Path.Combine(_work.FullName, "app");
        await Dotnet(_work.FullName, "new", "console", "-o", app, "--no-restore");
        // The feed first, nuget.org for Zmq's own dependencies: as a user adds a local feed.
        File.WriteAllText(Path.Combine(_work.FullName, "nuget.config"), $"""
            <configuration>
              <packageSources>
                <clear />
                <add key="local" value="{_feed}" />
                <add key="nuget.org" value="https://api.nuget.org/v3/index.json" />
              </packageSources>
            </configuration>
            """);
        await Dotnet(app, "add", "package", "Zmq", "--version", Version);
        File.WriteAllText(Path.Combine(app, "Program.cs"), """
            using Zmq;

            await using var server = new ServerSocket();
            server.Bind("tcp://127.0.0.1:*");
            await using var client = new ClientSocket();
            client.Connect(server.LastEndpoint!);
            client.Send("hello");
            Message request = await server.ReceiveAsync();
            await server.SendAsync(request.RoutingId, "world from " + request);
            Console.WriteLine(client.ReceiveString());
            """);

        string output = await Dotnet(app, "run");

        Assert.Equal("world from hello", output.Trim());
    }

    [Fact]
    public async Task Tool_InstallsIntoAToolPath_AndRunsZmqHelp()
    {
        await Dotnet(_root, "pack", "src/Zmq.Cli/Zmq.Cli.csproj", "-c", Configuration, "--no-build", "-o", _feed);
        string tools = Path.Combine(_work.FullName, "tools");
        await Dotnet(_work.FullName, "tool", "install", "Zmq.Cli", "--version", Version, "--add-source", _feed, "--tool-path", tools);

        string help = await Run(Path.Combine(tools, "zmq"), _work.FullName, "--help");

        Assert.Contains("zmq demo", help);
        Assert.Contains("zmq cat", help);
        Assert.Contains("Exit codes", help);
    }

    private static XElement Nuspec(ZipArchive zip)
    {
        var entry = zip.Entries.Single(e => e.FullName.EndsWith(".nuspec", StringComparison.Ordinal));
        using var stream = entry.Open();
        var root = XDocument.Load(stream).Root!;
        return root.Element(root.Name.Namespace + "metadata")!;
    }

    private static string RepositoryRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir != null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "Zmq.slnx")))
            {
                return dir.FullName;
            }
        }
        throw new InvalidOperationException("Zmq.slnx not found above " + AppContext.BaseDirectory);
    }

    /// <summary>A package cache of the test's own, so that a package of the same version packed
    /// earlier (another run, another build) is never taken in place of this one.</summary>
    private Task<string> Dotnet(string directory, params string[] args) =>
        Run(Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") ?? "dotnet", directory, args);

    private async Task<string> Run(string exe, string directory, params string[] args)
    {
        var info = new ProcessStartInfo(exe)
        {
            WorkingDirectory = directory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        foreach (var arg in args)
        {
            info.ArgumentList.Add(arg);
        }
        info.Environment["NUGET_PACKAGES"] = Path.Combine(_work.FullName, "packages");
        info.Environment["DOTNET_NOLOGO"] = "1";
        info.Environment["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1";
        info.Environment["DOTNET_SKIP_FIRST_TIME_EXPERIENCE"] = "1";
        // The test host's own settings would leak into the child builds.
        info.Environment.Remove("MSBuildExtensionsPath");
        info.Environment.Remove("MSBUILD_EXE_PATH");
        info.Environment.Remove("MSBuildSDKsPath");
        using var process = Process.Start(info)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var limit = new CancellationTokenSource(TimeSpan.FromMinutes(4));
        try
        {
            await process.WaitForExitAsync(limit.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"{Path.GetFileName(exe)} {string.Join(' ', args)} took over 4 minutes");
        }
        string output = await stdout;
        Assert.True(process.ExitCode == 0, $"{Path.GetFileName(exe)} {string.Join(' ', args)} exited {process.ExitCode}\n{output}\n{await stderr}");
        return output;
    }
}
