namespace Rnn.Training.Safetensors;

/// <summary>
/// Element types of the safetensors format. The header spells them exactly as the member names except
/// <see cref="Bool"/>, which is "BOOL"; see <see cref="SafetensorsDTypeExtensions.ToHeaderName"/>.
/// Sub-byte types (F4, F6_*) and complex types are not supported and are rejected when reading.
/// </summary>
public enum SafetensorsDType
{
    Bool,
    U8,
    I8,
    F8_E5M2,
    F8_E4M3,
    I16,
    U16,
    F16,
    BF16,
    I32,
    U32,
    F32,
    F64,
    I64,
    U64,
}
