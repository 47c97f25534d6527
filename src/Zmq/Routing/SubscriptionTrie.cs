namespace Zmq.Routing;

/// <summary>
/// Topic subscriptions (RFC 29): each subscriber holds counted prefixes, and a message matches a
/// subscriber when any of its prefixes starts the message (the empty prefix matches everything).
/// Prefixes share trie nodes, so matching costs one step per byte of the longest matching prefix,
/// whatever the number of subscribers and topics. No locks: the owning socket serialises access.
/// A counted trie (a subscriber's own) needs as many cancels as subscribes; an uncounted one (a
/// publisher's view of its peers, as libzmq keeps it) drops a prefix at the first cancel.
/// </summary>
internal sealed class SubscriptionTrie<T>(bool counted = true)
    where T : class
{
    private readonly Node _root = new();
    private readonly HashSet<T> _matched = [];

    /// <summary>While only the empty prefix is subscribed (the usual publisher with subscribers that
    /// take everything), every message matches the same set: kept here until the next change.</summary>
    private HashSet<T>? _everyone;

    /// <summary>Whether anything at all is subscribed.</summary>
    public bool IsEmpty => _root.IsEmpty;

    /// <summary>Counts one more subscription of <paramref name="subscriber"/> to <paramref name="prefix"/>;
    /// true when it is the subscriber's first to that prefix.</summary>
    public bool Add(ReadOnlySpan<byte> prefix, T subscriber)
    {
        _everyone = null;
        var node = _root;
        foreach (byte b in prefix)
        {
            if (!node.TryGetChild(b, out var child))
            {
                child = new Node();
                node.AddChild(b, child);
            }
            node = child;
        }
        node.Subscribers ??= [];
        int count = node.Subscribers.GetValueOrDefault(subscriber);
        node.Subscribers[subscriber] = counted ? count + 1 : 1;
        return count == 0;
    }

    /// <summary>Cancels one subscription; true when it was the subscriber's last to that prefix.
    /// Cancelling what was never subscribed does nothing (and returns false).</summary>
    public bool Remove(ReadOnlySpan<byte> prefix, T subscriber)
    {
        _everyone = null;
        // Iterative, with the path kept, so that a peer's very long topic cannot exhaust the stack.
        var path = new Node[prefix.Length + 1];
        var node = _root;
        path[0] = node;
        for (int i = 0; i < prefix.Length; i++)
        {
            if (!node.TryGetChild(prefix[i], out node))
            {
                return false;
            }
            path[i + 1] = node;
        }
        if (node.Subscribers is null || !node.Subscribers.TryGetValue(subscriber, out int count))
        {
            return false;
        }
        if (count > 1)
        {
            node.Subscribers[subscriber] = count - 1;
            return false;
        }
        node.Subscribers.Remove(subscriber);
        for (int i = prefix.Length; i > 0 && path[i].IsEmpty; i--)
        {
            path[i - 1].RemoveChild(prefix[i - 1]);
        }
        return true;
    }

    /// <summary>Drops every subscription of <paramref name="subscriber"/> (it left).</summary>
    public void RemoveAll(T subscriber)
    {
        _everyone = null;
        RemoveAll(_root, subscriber);
    }

    /// <summary>The subscribers with a prefix of <paramref name="message"/>, each once. The set is the
    /// trie's own: read it before the next call or change.</summary>
    public HashSet<T> Match(ReadOnlySpan<byte> message)
    {
        if (_everyone is { } everyone)
        {
            return everyone;
        }
        if (!_root.HasChildren)
        {
            return _everyone = [.. _root.Subscribers?.Keys ?? Enumerable.Empty<T>()];
        }
        _matched.Clear();
        var node = _root;
        int i = 0;
        while (true)
        {
            if (node.Subscribers is { Count: > 0 } subscribers)
            {
                foreach (var s in subscribers.Keys)
                {
                    _matched.Add(s);
                }
            }
            if (i == message.Length || !node.TryGetChild(message[i], out var next))
            {
                return _matched;
            }
            node = next;
            i++;
        }
    }

    /// <summary>Whether <paramref name="message"/> matches any subscription at all.</summary>
    public bool Matches(ReadOnlySpan<byte> message)
    {
        var node = _root;
        for (int i = 0; ; i++)
        {
            if (node.Subscribers is { Count: > 0 })
            {
                return true;
            }
            if (i == message.Length || !node.TryGetChild(message[i], out var next))
            {
                return false;
            }
            node = next;
        }
    }

    private static void RemoveAll(Node root, T subscriber)
    {
        // Depth-first without recursion; a child emptied here is pruned when its parent is revisited.
        var stack = new Stack<(Node Node, bool Visited)>();
        stack.Push((root, false));
        while (stack.TryPop(out var entry))
        {
            var node = entry.Node;
            if (!entry.Visited)
            {
                node.Subscribers?.Remove(subscriber);
                stack.Push((node, true));
                foreach (var (_, child) in node.Children())
                {
                    stack.Push((child, false));
                }
            }
            else
            {
                foreach (var (b, _) in node.Children().Where(c => c.Node.IsEmpty).ToList())
                {
                    node.RemoveChild(b);
                }
            }
        }
    }

    /// <summary>A trie node. Most nodes of a topic's chain have one child, kept in a field: a long
    /// topic costs tens of bytes per byte (as in libzmq), not a dictionary per byte.</summary>
    private sealed class Node
    {
        public Dictionary<T, int>? Subscribers;
        private byte _onlyKey;
        private Node? _only;
        private Dictionary<byte, Node>? _more;

        public bool HasChildren => _only != null || _more is { Count: > 0 };

        public bool IsEmpty => (Subscribers is null || Subscribers.Count == 0) && !HasChildren;

        public bool TryGetChild(byte key, out Node child)
        {
            if (_only != null && _onlyKey == key)
            {
                child = _only;
                return true;
            }
            if (_more != null && _more.TryGetValue(key, out var found))
            {
                child = found;
                return true;
            }
            child = null!;
            return false;
        }

        public void AddChild(byte key, Node child)
        {
            if (_only == null)
            {
                _onlyKey = key;
                _only = child;
            }
            else
            {
                (_more ??= [])[key] = child;
            }
        }

        public void RemoveChild(byte key)
        {
            if (_only != null && _onlyKey == key)
            {
                _only = null;
            }
            else
            {
                _more?.Remove(key);
            }
        }

        public IEnumerable<(byte Key, Node Node)> Children()
        {
            if (_only != null)
            {
                yield return (_onlyKey, _only);
            }
            foreach (var (key, node) in _more ?? [])
            {
                yield return (key, node);
            }
        }
    }
}
