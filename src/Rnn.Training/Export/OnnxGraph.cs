using System.Runtime.InteropServices;

namespace Rnn.Training.Export;

/// <summary>
/// An ONNX graph being built, written as a ModelProto (onnx.proto's field numbers below) with IR version 8 and the
/// default opset 14. Nodes, initializers (float tensors, int64 shape constants), inputs and one output.
/// </summary>
internal sealed class OnnxGraph
{
    public const int Opset = 14;
    private const long IrVersion = 8;
    public const int FloatType = 1, Int32Type = 6, Int64Type = 7;
    private const int AttributeFloat = 1, AttributeInt = 2, AttributeString = 3, AttributeInts = 7;

    private readonly List<Action<ProtobufWriter>> _nodes = [];
    private readonly List<Action<ProtobufWriter>> _initializers = [];
    private int _nextName;

    /// <summary>A fresh value name with <paramref name="prefix"/>.</summary>
    public string Name(string prefix) => $"{prefix}_{_nextName++}";

    public void Initializer(string name, ReadOnlySpan<float> values, params long[] dims)
    {
        var bytes = MemoryMarshal.AsBytes(values).ToArray();
        _initializers.Add(t => Tensor(t, name, FloatType, dims, bytes));
    }

    public void Initializer(string name, long[] values)
    {
        var bytes = MemoryMarshal.AsBytes(values.AsSpan()).ToArray();
        _initializers.Add(t => Tensor(t, name, Int64Type, [values.Length], bytes));
    }

    /// <summary>A node; attributes are (name, value) with value a long, float, string or long[].</summary>
    public void Node(string opType, string[] inputs, string[] outputs, params (string Name, object Value)[] attributes)
    {
        var name = Name(opType);
        _nodes.Add(n =>
        {
            foreach (var input in inputs) n.String(1, input);
            foreach (var output in outputs) n.String(2, output);
            n.String(3, name);
            n.String(4, opType);
            foreach (var (attributeName, value) in attributes) n.Message(5, a => Attribute(a, attributeName, value));
        });
    }

    /// <summary>
    /// The ModelProto: the graph with <paramref name="inputs"/> (element types <see cref="FloatType"/>,
    /// <see cref="Int32Type"/> or <see cref="Int64Type"/>) and <paramref name="output"/> of the given dims (a string
    /// is a symbolic dim).
    /// </summary>
    public byte[] ToModel(string graphName, IReadOnlyList<(string Name, int Type, object[] Dims)> inputs, (string Name, object[] Dims) output)
    {
        var model = new ProtobufWriter();
        model.Varint(1, IrVersion);
        model.String(2, "rnn-distributed");
        model.Message(7, g =>
        {
            foreach (var node in _nodes) g.Message(1, node);
            g.String(2, graphName);
            foreach (var initializer in _initializers) g.Message(5, initializer);
            foreach (var input in inputs) g.Message(11, v => ValueInfo(v, input.Name, input.Type, input.Dims));
            g.Message(12, v => ValueInfo(v, output.Name, FloatType, output.Dims));
        });
        model.Message(8, o =>
        {
            o.String(1, "");
            o.Varint(2, Opset);
        });
        return model.ToArray();
    }

    // TensorProto: dims = 1, data_type = 2, name = 8, raw_data = 9 (little-endian).
    private static void Tensor(ProtobufWriter t, string name, int type, long[] dims, byte[] raw)
    {
        foreach (var d in dims) t.Varint(1, d);
        t.Varint(2, type);
        t.String(8, name);
        t.Bytes(9, raw);
    }

    // AttributeProto: name = 1, f = 2, i = 3, s = 4, ints = 8, type = 20.
    private static void Attribute(ProtobufWriter a, string name, object value)
    {
        a.String(1, name);
        switch (value)
        {
            case float f: a.Float(2, f); a.Varint(20, AttributeFloat); break;
            case long i: a.Varint(3, i); a.Varint(20, AttributeInt); break;
            case string s: a.String(4, s); a.Varint(20, AttributeString); break;
            case long[] ints:
                foreach (var i in ints) a.Varint(8, i);
                a.Varint(20, AttributeInts);
                break;
            default: throw new ArgumentException($"attribute '{name}': unsupported value {value}", nameof(value));
        }
    }

    // ValueInfoProto: name = 1, type = 2 → TypeProto.tensor_type = 1 → elem_type = 1, shape = 2 → dim = 1 →
    // dim_value = 1 | dim_param = 2.
    private static void ValueInfo(ProtobufWriter v, string name, int type, object[] dims)
    {
        v.String(1, name);
        v.Message(2, t => t.Message(1, tensor =>
        {
            tensor.Varint(1, type);
            tensor.Message(2, shape =>
            {
                foreach (var d in dims)
                    shape.Message(1, dim =>
                    {
                        if (d is string symbol) dim.String(2, symbol);
                        else dim.Varint(1, Convert.ToInt64(d, System.Globalization.CultureInfo.InvariantCulture));
                    });
            });
        }));
    }
}
