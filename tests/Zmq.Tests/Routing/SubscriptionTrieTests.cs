using Zmq.Routing;

namespace Zmq.Tests.Routing;

public class SubscriptionTrieTests
{
    private sealed class Peer(string name)
    {
        public override string ToString() => name;
    }

    private static byte[] B(string s) => System.Text.Encoding.UTF8.GetBytes(s);

    [Fact]
    public void Match_FindsEverySubscriberWithAPrefixOfTheMessage_EachOnce()
    {
        var trie = new SubscriptionTrie<Peer>();
        Peer a = new("a"), b = new("b"), c = new("c");
        trie.Add(B("ab"), a);
        trie.Add(B(""), a); // a matches twice over: still listed once
        trie.Add(B("abc"), b);
        trie.Add(B("x"), c);
        Assert.Equal([a, b], trie.Match(B("abcd")).OrderBy(p => p.ToString()));
        Assert.Equal([a], trie.Match(B("ab")));
        Assert.Equal([a], trie.Match(B("")));
        Assert.Equal([a, c], trie.Match(B("xyz")).OrderBy(p => p.ToString()));
    }

    [Fact]
    public void Counted_NeedsAsManyRemovesAsAdds_Uncounted_OneRemoveEndsIt()
    {
        var counted = new SubscriptionTrie<Peer>();
        var uncounted = new SubscriptionTrie<Peer>(counted: false);
        var p = new Peer("p");
        foreach (var t in new[] { counted, uncounted })
        {
            Assert.True(t.Add(B("t"), p));
            Assert.False(t.Add(B("t"), p));
        }
        Assert.False(counted.Remove(B("t"), p));
        Assert.True(counted.Matches(B("topic")));
        Assert.True(counted.Remove(B("t"), p));
        Assert.False(counted.Matches(B("topic")));
        Assert.True(uncounted.Remove(B("t"), p));
        Assert.False(uncounted.Matches(B("topic")));
        Assert.True(uncounted.IsEmpty);
        Assert.False(uncounted.Remove(B("never"), p));
    }

    [Fact]
    public void RemoveAll_DropsOneSubscriberAndPrunesTheTrie()
    {
        var trie = new SubscriptionTrie<Peer>();
        Peer a = new("a"), b = new("b");
        trie.Add(B("abc"), a);
        trie.Add(B("abd"), a);
        trie.Add(B("ab"), b);
        trie.RemoveAll(a);
        Assert.Equal([b], trie.Match(B("abcd")));
        trie.RemoveAll(b);
        Assert.True(trie.IsEmpty);
    }

    [Fact]
    public void SiblingTopics_SurviveTheRemovalOfAnyOfThem()
    {
        var trie = new SubscriptionTrie<Peer>();
        var p = new Peer("p");
        foreach (var t in new[] { "xa", "xb", "xc", "x" })
        {
            trie.Add(B(t), p);
        }
        trie.Remove(B("xa"), p);
        Assert.True(trie.Matches(B("xb1")));
        Assert.True(trie.Matches(B("xc1")));
        trie.Remove(B("x"), p);
        Assert.False(trie.Matches(B("xa1")));
        Assert.False(trie.Matches(B("x")));
        trie.Remove(B("xb"), p);
        Assert.True(trie.Matches(B("xc")));
        trie.Remove(B("xc"), p);
        Assert.True(trie.IsEmpty);
    }

    [Fact]
    public void AVeryLongTopic_IsAddedAndRemovedWithoutRecursion()
    {
        var trie = new SubscriptionTrie<Peer>();
        var p = new Peer("p");
        var topic = new byte[200_000];
        trie.Add(topic, p);
        Assert.True(trie.Matches(topic));
        Assert.True(trie.Remove(topic, p));
        Assert.True(trie.IsEmpty);
        trie.Add(topic, p);
        trie.RemoveAll(p);
        Assert.True(trie.IsEmpty);
    }
}
