namespace Rnn.Kernels.Tensors;

/// <summary>
/// The order and shapes of every parameter of a model in one flat float32 buffer. Gradients, Adam moments and the
/// parameter server's blocks all use this same layout, so a flat index means the same thing everywhere.
/// </summary>
public sealed class ParameterLayout
{
    private readonly List<ParameterView> _views = [];
    private readonly Dictionary<string, ParameterView> _byName = new(StringComparer.Ordinal);

    public IReadOnlyList<ParameterView> Views => _views;

    public int TotalLength { get; private set; }

    public ParameterView Add(string name, params int[] shape)
    {
        if (_byName.ContainsKey(name))
            throw new ArgumentException($"parameter '{name}' is declared twice", nameof(name));
        var view = new ParameterView(name, TotalLength, shape);
        _views.Add(view);
        _byName[name] = view;
        TotalLength += view.Length;
        return view;
    }

    public ParameterView this[string name] =>
        _byName.TryGetValue(name, out var v) ? v : throw new KeyNotFoundException($"no parameter named '{name}'");

    public bool Contains(string name) => _byName.ContainsKey(name);
}
