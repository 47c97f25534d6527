using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;

namespace Zmq.Cli;

/// <summary>
/// How far a bench/Zmq.Perf run has got, read from the lines it prints: its header gives the number
/// of rows, and each row is announced as <c>[i/N] name  </c> (<c>[round r/R i/N]</c> with --repeat)
/// before it runs and completed by its result once measured.
/// </summary>
internal sealed partial class CompareProgress
{
    public int Done { get; private set; }

    public int Total { get; private set; }

    /// <summary>The row being measured, while its line waits for its result.</summary>
    public string? Running { get; private set; }

    /// <summary>Takes one whole line; true when it was the result of a row.</summary>
    public bool OnLine(string line)
    {
        var header = HeaderLine().Match(line);
        if (header.Success)
        {
            Total = Number(header.Groups[1]) * Number(header.Groups[2]);
            return false;
        }
        if (!Locate(line, complete: true, out _))
        {
            return false;
        }
        Running = null;
        return true;
    }

    /// <summary>Takes the start of a line not yet ended: the announcement of the row now running.</summary>
    public void OnPartial(string text)
    {
        Running = Locate(text, complete: false, out string name) ? name.Trim() : null;
    }

    public static string Elapsed(TimeSpan t) => t.TotalHours >= 1
        ? t.ToString(@"h\:mm\:ss", CultureInfo.InvariantCulture)
        : t.ToString(@"m\:ss", CultureInfo.InvariantCulture);

    public string Format(TimeSpan elapsed)
    {
        string time = Elapsed(elapsed);
        if (Total == 0)
        {
            return $"perf --compare: building and starting the benchmark, {time} elapsed";
        }
        string rows = string.Create(CultureInfo.InvariantCulture, $"perf --compare: {Done}/{Total} rows done, {time} elapsed");
        return Running is null ? rows : $"{rows}, measuring {Running}";
    }

    private bool Locate(string text, bool complete, out string rest)
    {
        var row = RowLine().Match(text);
        rest = row.Success ? row.Groups[5].Value : "";
        if (!row.Success)
        {
            return false;
        }
        int round = row.Groups[1].Success ? Number(row.Groups[1]) : 1;
        int rounds = row.Groups[2].Success ? Number(row.Groups[2]) : 1;
        int index = Number(row.Groups[3]);
        int perRound = Number(row.Groups[4]);
        Total = perRound * rounds;
        // A row counts once its line is complete: until then it is the one being measured.
        Done = (round - 1) * perRound + index - (complete ? 0 : 1);
        return true;
    }

    private static int Number(Group g) => int.Parse(g.ValueSpan, NumberStyles.None, CultureInfo.InvariantCulture);

    [GeneratedRegex(@"^Zmq\.Perf \w+: (\d+) workloads × (\d+) run")]
    private static partial Regex HeaderLine();

    [GeneratedRegex(@"^\[(?:round (\d+)/(\d+) )?\s*(\d+)/(\d+)\] (.*)$")]
    private static partial Regex RowLine();
}

/// <summary>
/// Passes the harness's stdout through unchanged and keeps a progress line on stderr: rewritten in
/// place once a second when stderr is a terminal, otherwise one line per finished row (a log file
/// must not fill with carriage returns).
/// </summary>
internal sealed class CompareRelay(TextWriter stdout, TextWriter stderr, bool inPlace, Func<TimeSpan> elapsed, int width = 80)
{
    private const string ClearLine = "\r\u001b[K";

    private readonly Lock _lock = new();
    private readonly CompareProgress _progress = new();
    private readonly StringBuilder _pending = new();
    private int _pendingWritten;
    private bool _shown;
    private bool _finished;

    public CompareProgress Progress => _progress;

    public async Task PumpAsync(TextReader harness)
    {
        var buffer = new char[4096];
        int n;
        while ((n = await harness.ReadAsync(buffer).ConfigureAwait(false)) > 0)
        {
            Feed(buffer.AsSpan(0, n));
        }
    }

    public void Feed(ReadOnlySpan<char> chunk)
    {
        lock (_lock)
        {
            int newline;
            while ((newline = chunk.IndexOf('\n')) >= 0)
            {
                _pending.Append(chunk[..newline]);
                chunk = chunk[(newline + 1)..];
                string line = _pending.ToString();
                Hide();
                stdout.WriteLine(line.AsSpan(_pendingWritten));
                stdout.Flush();
                _pending.Clear();
                _pendingWritten = 0;
                if (_progress.OnLine(line) && !inPlace)
                {
                    stderr.WriteLine(_progress.Format(elapsed()));
                    stderr.Flush();
                }
            }
            _pending.Append(chunk);
            _progress.OnPartial(_pending.ToString());
            if (inPlace)
            {
                // Held back: the progress line shows which row is running instead.
                Show();
            }
            else if (_pending.Length > _pendingWritten)
            {
                stdout.Write(_pending.ToString(_pendingWritten, _pending.Length - _pendingWritten));
                stdout.Flush();
                _pendingWritten = _pending.Length;
            }
        }
    }

    /// <summary>Rewrites the progress line with the time now (called once a second in place).</summary>
    public void Redraw()
    {
        lock (_lock)
        {
            // A timer tick that was already on its way when the run ended must not bring the line back.
            if (inPlace && !_finished)
            {
                Show();
            }
        }
    }

    /// <summary>Writes what the harness left without a newline and takes the progress line away.</summary>
    public void Finish()
    {
        lock (_lock)
        {
            _finished = true;
            Hide();
            if (_pending.Length > _pendingWritten)
            {
                stdout.WriteLine(_pending.ToString(_pendingWritten, _pending.Length - _pendingWritten));
            }
            else if (_pendingWritten > 0)
            {
                stdout.WriteLine();
            }
            stdout.Flush();
            _pending.Clear();
            _pendingWritten = 0;
        }
    }

    private void Show()
    {
        string text = _progress.Format(elapsed());
        // A line longer than the terminal wraps, and the carriage return would then rewrite only its tail.
        if (text.Length >= width)
        {
            text = text[..Math.Max(0, width - 2)] + "…";
        }
        stderr.Write(ClearLine + text);
        stderr.Flush();
        _shown = true;
    }

    private void Hide()
    {
        if (_shown)
        {
            stderr.Write(ClearLine);
            stderr.Flush();
            _shown = false;
        }
    }
}
