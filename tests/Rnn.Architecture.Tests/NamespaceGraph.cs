using Mono.Cecil;
using Mono.Cecil.Cil;

namespace Rnn.Architecture.Tests;

/// <summary>
/// Which namespaces of one assembly use which, read from its IL with Mono.Cecil: base types, interfaces, fields,
/// signatures, attributes and every type, method and field a method body touches. Nested and compiler-generated
/// types count for the namespace of their outermost declaring type.
/// </summary>
internal sealed class NamespaceGraph
{
    private readonly Dictionary<string, SortedSet<string>> _edges = new(StringComparer.Ordinal);
    private readonly Dictionary<(string, string), string> _witness = [];

    public NamespaceGraph(string assemblyPath)
    {
        using var assembly = AssemblyDefinition.ReadAssembly(assemblyPath);
        foreach (var type in assembly.MainModule.GetTypes())
        {
            var from = NamespaceOf(type);
            if (from.Length == 0) continue;
            foreach (var used in UsedTypes(type).SelectMany(Flatten))
            {
                var to = NamespaceOf(used);
                if (to.Length == 0 || to == from) continue;
                Edges(from).Add(to);
                _witness.TryAdd((from, to), $"{type.FullName} uses {used.FullName}");
            }
        }
    }

    public IEnumerable<string> Namespaces => _edges.Keys;

    public IReadOnlySet<string> UsedBy(string ns) => _edges.TryGetValue(ns, out var set) ? set : new SortedSet<string>();

    /// <summary>Pairs (a, b) of namespaces with a path a → … → b → … → a, each reported once as "a ⇄ b".</summary>
    public IReadOnlyList<string> Cycles(string prefix)
    {
        var names = _edges.Keys.Where(n => n.StartsWith(prefix, StringComparison.Ordinal)).Order(StringComparer.Ordinal).ToList();
        var found = new List<string>();
        for (var i = 0; i < names.Count; i++)
            for (var j = i + 1; j < names.Count; j++)
                if (Reaches(names[i], names[j], prefix) && Reaches(names[j], names[i], prefix))
                    found.Add($"{names[i]} ⇄ {names[j]} ({Witness(names[i], names[j])}; {Witness(names[j], names[i])})");
        return found;
    }

    /// <summary>
    /// One type that makes the edge, so a failure says where to look; when the path is longer, the shortest path with
    /// one such type for each of its edges ("via a → b: T uses U; b → c: …").
    /// </summary>
    public string Witness(string from, string to)
    {
        if (_witness.TryGetValue((from, to), out var direct)) return direct;
        var path = ShortestPath(from, to);
        if (path.Count < 2) return $"no path from {from} to {to}";
        return "via " + string.Join("; ", path.Zip(path.Skip(1), (a, b) => $"{a} → {b}: {_witness[(a, b)]}"));
    }

    /// <summary>The namespaces on a shortest path from <paramref name="from"/> to <paramref name="to"/>, both included; empty if none.</summary>
    private List<string> ShortestPath(string from, string to)
    {
        var previous = new Dictionary<string, string>(StringComparer.Ordinal) { [from] = from };
        var queue = new Queue<string>([from]);
        while (queue.Count > 0)
        {
            var current = queue.Dequeue();
            foreach (var next in UsedBy(current))
            {
                // Only through our namespaces, as Reaches goes (OrleansCodeGen.* and the BCL are no part of a cycle).
                if (!next.StartsWith("Rnn.", StringComparison.Ordinal) || !previous.TryAdd(next, current)) continue;
                if (next == to)
                {
                    var path = new List<string> { to };
                    for (var n = to; n != from; n = previous[n]) path.Add(previous[n]);
                    path.Reverse();
                    return path;
                }
                queue.Enqueue(next);
            }
        }
        return [];
    }

    private bool Reaches(string from, string to, string prefix)
    {
        var seen = new HashSet<string>(StringComparer.Ordinal) { from };
        var queue = new Queue<string>([from]);
        while (queue.Count > 0)
            foreach (var next in UsedBy(queue.Dequeue()))
            {
                if (next == to) return true;
                if (next.StartsWith(prefix, StringComparison.Ordinal) && seen.Add(next)) queue.Enqueue(next);
            }
        return false;
    }

    private SortedSet<string> Edges(string ns)
    {
        if (!_edges.TryGetValue(ns, out var set)) _edges[ns] = set = new SortedSet<string>(StringComparer.Ordinal);
        return set;
    }

    private static string NamespaceOf(TypeReference type)
    {
        while (type is TypeSpecification spec) type = spec.ElementType;
        while (type.DeclaringType is not null) type = type.DeclaringType;
        return type.Namespace;
    }

    /// <summary>A type and, for <c>List&lt;SequenceBatch&gt;</c> and the like, its generic arguments.</summary>
    private static IEnumerable<TypeReference> Flatten(TypeReference type)
    {
        yield return type;
        var element = type;
        while (element is TypeSpecification spec and not GenericInstanceType) element = spec.ElementType;
        if (element is GenericInstanceType generic)
            foreach (var argument in generic.GenericArguments.SelectMany(Flatten)) yield return argument;
    }

    private static IEnumerable<TypeReference> UsedTypes(TypeDefinition type)
    {
        if (type.BaseType is not null) yield return type.BaseType;
        foreach (var i in type.Interfaces) yield return i.InterfaceType;
        foreach (var a in type.CustomAttributes) yield return a.AttributeType;
        foreach (var f in type.Fields) yield return f.FieldType;
        foreach (var p in type.Properties) yield return p.PropertyType;
        foreach (var m in type.Methods)
        {
            yield return m.ReturnType;
            foreach (var p in m.Parameters) yield return p.ParameterType;
            foreach (var a in m.CustomAttributes) yield return a.AttributeType;
            foreach (var constraint in m.GenericParameters.SelectMany(g => g.Constraints)) yield return constraint.ConstraintType;
            if (!m.HasBody) continue;
            foreach (var v in m.Body.Variables) yield return v.VariableType;
            foreach (var instruction in m.Body.Instructions)
                switch (instruction.Operand)
                {
                    case TypeReference t: yield return t; break;
                    case MethodReference r:
                        yield return r.DeclaringType;
                        yield return r.ReturnType;
                        foreach (var p in r.Parameters) yield return p.ParameterType;
                        // services.AddSingleton<ComputeExecutor>() names its type only as a generic argument.
                        if (r is GenericInstanceMethod generic)
                            foreach (var argument in generic.GenericArguments) yield return argument;
                        break;
                    case FieldReference f: yield return f.DeclaringType; yield return f.FieldType; break;
                }
        }
        foreach (var generic in type.GenericParameters.SelectMany(g => g.Constraints)) yield return generic.ConstraintType;
    }
}
