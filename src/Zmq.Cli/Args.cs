using System.Globalization;

namespace Zmq.Cli;

/// <summary>A bad command line: the message says what was wrong; the caller prints it with a usage hint and exits 2.</summary>
internal sealed class UsageException(string message) : Exception(message);

/// <summary>
/// Options of the form <c>--name value</c>, <c>--name=value</c> and bare <c>--flag</c>, plus positional words
/// and <c>--help</c>.
/// Each command declares its options up front so that a typo is reported instead of silently ignored.
/// </summary>
internal sealed class Args
{
    private readonly Dictionary<string, List<string>> _values = new(StringComparer.Ordinal);
    private readonly HashSet<string> _flags = new(StringComparer.Ordinal);
    private readonly HashSet<string> _repeatable;

    public Args(string command, IEnumerable<string> args, string[] valued, string[]? flags = null, string[]? repeatable = null)
    {
        Command = command;
        _repeatable = new HashSet<string>(repeatable ?? [], StringComparer.Ordinal);
        var valuedSet = new HashSet<string>(valued, StringComparer.Ordinal);
        var flagSet = new HashSet<string>(flags ?? [], StringComparer.Ordinal);
        var list = args.ToList();
        for (int i = 0; i < list.Count; i++)
        {
            string a = list[i];
            if (a is "--help" or "-h")
            {
                Help = true;
                continue;
            }
            if (!a.StartsWith("--", StringComparison.Ordinal) || a.Length == 2)
            {
                Positional.Add(a);
                continue;
            }
            string name = a[2..];
            string? inline = null;
            int eq = name.IndexOf('=', StringComparison.Ordinal);
            if (eq >= 0)
            {
                inline = name[(eq + 1)..];
                name = name[..eq];
            }
            if (flagSet.Contains(name))
            {
                if (inline != null)
                {
                    throw new UsageException($"--{name} is a flag and takes no value");
                }
                _flags.Add(name);
            }
            else if (valuedSet.Contains(name))
            {
                string value = inline ?? (i + 1 < list.Count ? list[++i] : throw new UsageException($"--{name} needs a value"));
                if (!_values.TryGetValue(name, out var values))
                {
                    _values[name] = values = [];
                }
                else if (!_repeatable.Contains(name))
                {
                    throw new UsageException($"--{name} given more than once");
                }
                values.Add(value);
            }
            else
            {
                string known = string.Join(", ", valued.Concat(flags ?? []).Select(o => "--" + o));
                throw new UsageException($"unknown option '{a}' for '{command}' (known: {known})");
            }
        }
    }

    public string Command { get; }

    /// <summary>--help or -h was given: every command takes it, so none declares it.</summary>
    public bool Help { get; private set; }

    public List<string> Positional { get; } = [];

    public bool Has(string flag) => _flags.Contains(flag);

    public IReadOnlyList<string> All(string name) => _values.TryGetValue(name, out var v) ? v : [];

    public string? Get(string name) => _values.TryGetValue(name, out var v) ? v[0] : null;

    public string Require(string name) => Get(name) ?? throw new UsageException($"'{Command}' needs --{name}");

    public long GetLong(string name, long defaultValue, long min, long max = long.MaxValue)
    {
        string? s = Get(name);
        if (s == null)
        {
            return defaultValue;
        }
        // Underscores and commas let people type 1_000_000 or 1,000,000 as they would read it.
        string digits = s.Replace("_", "", StringComparison.Ordinal).Replace(",", "", StringComparison.Ordinal);
        if (!long.TryParse(digits, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out long v))
        {
            throw new UsageException($"--{name} must be a whole number, got '{s}'");
        }
        if (v < min || v > max)
        {
            throw new UsageException(max == long.MaxValue
                ? $"--{name} must be at least {min}, got {v}"
                : $"--{name} must be between {min} and {max}, got {v}");
        }
        return v;
    }

    public int GetInt(string name, int defaultValue, int min, int max = int.MaxValue) => (int)GetLong(name, defaultValue, min, max);

    /// <summary>Fails if any positional words remain beyond the <paramref name="expected"/> count.</summary>
    public void NoMorePositionals(int expected)
    {
        if (Positional.Count > expected)
        {
            throw new UsageException($"unexpected argument '{Positional[expected]}' for '{Command}'");
        }
    }
}
