using Rnn.Training.Safetensors;

namespace Rnn.Training.Tests.Safetensors;

/// <summary>Every way a file can be malformed gets its own error naming the file, the tensor and the problem.</summary>
public sealed class SafetensorsMalformedTests
{
    private const string Source = "broken_model.safetensors";

    private static SafetensorsFormatException ParseFails(byte[] bytes, string? tensorName, params string[] keyWords)
    {
        var error = Assert.Throws<SafetensorsFormatException>(() => SafetensorsFile.Parse(bytes, Source));
        Assert.Equal(Source, error.FilePath);
        Assert.Equal(tensorName, error.TensorName);
        Assert.StartsWith(Source + ": ", error.Message, StringComparison.Ordinal);
        if (tensorName is not null)
            Assert.Contains($"tensor '{tensorName}'", error.Message, StringComparison.Ordinal);
        foreach (var word in keyWords)
            Assert.Contains(word, error.Message, StringComparison.Ordinal);
        return error;
    }

    [Theory]
    [InlineData(0)]
    [InlineData(5)]
    [InlineData(7)]
    public void File_shorter_than_the_length_prefix_is_rejected(int length)
    {
        ParseFails(new byte[length], null, $"{length} bytes long", "shorter than the 8-byte header length", "truncated");
    }

    [Fact]
    public void Header_length_beyond_the_file_is_reported_as_truncated()
    {
        var bytes = SafetensorsTestBytes.BuildWithLength("{}", 0, declaredHeaderLength: 1000);
        ParseFails(bytes, null, "1000 bytes", "only 2 bytes", "truncated");
    }

    [Fact]
    public void Header_length_near_ulong_max_is_reported_as_truncated()
    {
        var bytes = SafetensorsTestBytes.BuildWithLength("{}", 0, declaredHeaderLength: ulong.MaxValue);
        ParseFails(bytes, null, "truncated");
    }

    [Theory]
    [InlineData("{\"a\": ")]
    [InlineData("not json at all")]
    [InlineData("{\"a\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[0,4]},}")]
    public void Header_that_is_not_json_is_rejected(string header)
    {
        ParseFails(SafetensorsTestBytes.Build(header, 0), null, "not valid JSON", "corrupt");
    }

    [Fact]
    public void Header_with_invalid_utf8_is_rejected()
    {
        var bytes = SafetensorsTestBytes.Build("{\"ab\":1}", 0);
        bytes[10] = 0xFF; // inside the key "ab"
        ParseFails(bytes, null, "not valid UTF-8", "corrupt");
    }

    [Theory]
    [InlineData("[1,2]", "array")]
    [InlineData("\"text\"", "string")]
    [InlineData("42", "number")]
    public void Header_that_is_not_an_object_is_rejected(string header, string kind)
    {
        ParseFails(SafetensorsTestBytes.Build(header, 0), null, $"JSON {kind}", "not an object");
    }

    [Theory]
    [InlineData("{\"weight\":{\"shape\":[1],\"data_offsets\":[0,4]}}", "dtype")]
    [InlineData("{\"weight\":{\"dtype\":\"F32\",\"data_offsets\":[0,4]}}", "shape")]
    [InlineData("{\"weight\":{\"dtype\":\"F32\",\"shape\":[1]}}", "data_offsets")]
    public void Tensor_entry_missing_a_field_is_rejected(string header, string field)
    {
        ParseFails(SafetensorsTestBytes.Build(header, 4), "weight", $"has no '{field}'", "dtype, shape and data_offsets");
    }

    [Theory]
    [InlineData("{\"weight\":{\"dtype\":32,\"shape\":[1],\"data_offsets\":[0,4]}}", "'dtype' as a JSON number", "a string")]
    [InlineData("{\"weight\":{\"dtype\":\"F32\",\"shape\":\"1\",\"data_offsets\":[0,4]}}", "'shape' as a JSON string", "an array")]
    [InlineData("{\"weight\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":{\"b\":0}}}", "'data_offsets' as a JSON object", "an array")]
    [InlineData("{\"weight\":\"F32\"}", "JSON string as its header entry", "must be an object")]
    [InlineData("{\"weight\":null}", "JSON null as its header entry", "must be an object")]
    public void Tensor_entry_field_of_the_wrong_json_type_is_rejected(string header, string problem, string expected)
    {
        ParseFails(SafetensorsTestBytes.Build(header, 4), "weight", problem, expected);
    }

    [Fact]
    public void Unknown_dtype_is_rejected_with_the_supported_list()
    {
        var header = "{\"weight\":{\"dtype\":\"F99\",\"shape\":[1],\"data_offsets\":[0,4]}}";
        ParseFails(SafetensorsTestBytes.Build(header, 4), "weight", "dtype 'F99'", "does not support", "F32, F64");
    }

    [Fact]
    public void Dtype_is_case_sensitive()
    {
        var header = "{\"weight\":{\"dtype\":\"f32\",\"shape\":[1],\"data_offsets\":[0,4]}}";
        ParseFails(SafetensorsTestBytes.Build(header, 4), "weight", "dtype 'f32'", "does not support");
    }

    [Theory]
    [InlineData("[2,-2]", "-2")]
    [InlineData("[1.5]", "1.5")]
    [InlineData("[\"2\"]", "\"2\"")]
    public void Dimension_that_is_not_a_non_negative_integer_is_rejected(string shape, string badDim)
    {
        var header = $"{{\"weight\":{{\"dtype\":\"F32\",\"shape\":{shape},\"data_offsets\":[0,4]}}}}";
        ParseFails(SafetensorsTestBytes.Build(header, 4), "weight", $"containing {badDim}", "not a non-negative integer dimension");
    }

    [Fact]
    public void Dimension_beyond_int_range_is_rejected()
    {
        var header = "{\"weight\":{\"dtype\":\"F32\",\"shape\":[4294967296],\"data_offsets\":[0,4]}}";
        ParseFails(SafetensorsTestBytes.Build(header, 4), "weight", "dimension above 2147483647");
    }

    [Theory]
    [InlineData("[0]", "exactly two integers")]
    [InlineData("[0,4,8]", "exactly two integers")]
    [InlineData("[-4,4]", "containing -4")]
    [InlineData("[0,4.0e0]", "not a non-negative integer")]
    public void Malformed_data_offsets_are_rejected(string offsets, string problem)
    {
        var header = $"{{\"weight\":{{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":{offsets}}}}}";
        ParseFails(SafetensorsTestBytes.Build(header, 4), "weight", "data_offsets", problem);
    }

    [Fact]
    public void Offsets_past_the_data_section_are_rejected()
    {
        var header = "{\"weight\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[0,8]}}";
        ParseFails(SafetensorsTestBytes.Build(header, 4), "weight", "[0,8]", "past the end of the 4-byte data section", "truncated");
    }

    [Fact]
    public void Begin_after_end_is_rejected()
    {
        var header = "{\"weight\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[8,4]}}";
        ParseFails(SafetensorsTestBytes.Build(header, 8), "weight", "[8,4]", "begin is after its end");
    }

    [Fact]
    public void Overlapping_tensors_are_rejected_naming_both()
    {
        var header = """
            {"a":{"dtype":"F32","shape":[2],"data_offsets":[0,8]},
             "b":{"dtype":"F32","shape":[2],"data_offsets":[4,12]}}
            """;
        ParseFails(SafetensorsTestBytes.Build(header, 12), "b", "overlapping tensor 'a'", "[0,8]", "exactly one tensor");
    }

    [Fact]
    public void Zero_size_tensor_inside_another_counts_as_overlap()
    {
        var header = """
            {"a":{"dtype":"F32","shape":[2],"data_offsets":[0,8]},
             "empty":{"dtype":"F32","shape":[0],"data_offsets":[4,4]}}
            """;
        ParseFails(SafetensorsTestBytes.Build(header, 8), "empty", "overlapping tensor 'a'");
    }

    [Fact]
    public void Shape_that_disagrees_with_the_byte_count_is_rejected()
    {
        var header = "{\"weight_ih_l0\":{\"dtype\":\"F32\",\"shape\":[24,4],\"data_offsets\":[0,380]}}";
        var error = ParseFails(SafetensorsTestBytes.Build(header, 380), "weight_ih_l0");
        Assert.Equal(
            "broken_model.safetensors: tensor 'weight_ih_l0' has shape [24,4] (96 elements = 384 bytes of F32) but " +
            "data_offsets cover 380 bytes; the file is corrupt or was written by a tool that disagrees on shapes",
            error.Message);
    }

    [Fact]
    public void Shape_whose_element_count_overflows_is_a_mismatch_not_a_crash()
    {
        var header = "{\"w\":{\"dtype\":\"F64\",\"shape\":[2147483647,2147483647,2147483647],\"data_offsets\":[0,8]}}";
        ParseFails(SafetensorsTestBytes.Build(header, 8), "w", "than a 64-bit count holds", "data_offsets cover 8 bytes");
    }

    [Fact]
    public void Gap_between_tensors_is_rejected()
    {
        var header = """
            {"a":{"dtype":"F32","shape":[1],"data_offsets":[0,4]},
             "b":{"dtype":"F32","shape":[1],"data_offsets":[8,12]}}
            """;
        ParseFails(SafetensorsTestBytes.Build(header, 12), "b", "bytes [4,8)", "no gaps");
    }

    [Fact]
    public void Gap_before_the_first_tensor_is_rejected()
    {
        var header = "{\"a\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[4,8]}}";
        ParseFails(SafetensorsTestBytes.Build(header, 8), "a", "bytes [0,4)", "no gaps");
    }

    [Fact]
    public void Trailing_data_covered_by_no_tensor_is_rejected()
    {
        var header = "{\"a\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[0,4]}}";
        ParseFails(SafetensorsTestBytes.Build(header, 7), null, "last 3 bytes", "7-byte data section", "cover the data section fully");
    }

    [Fact]
    public void Data_without_any_tensor_is_rejected()
    {
        ParseFails(SafetensorsTestBytes.Build("{}", 4), null, "last 4 bytes", "belong to no tensor");
    }

    [Fact]
    public void Duplicate_tensor_names_are_rejected()
    {
        var header = """
            {"a":{"dtype":"F32","shape":[1],"data_offsets":[0,4]},
             "a":{"dtype":"F32","shape":[1],"data_offsets":[4,8]}}
            """;
        ParseFails(SafetensorsTestBytes.Build(header, 8), "a", "appears twice", "unique");
    }

    [Theory]
    [InlineData("{\"epoch\":3}", "'epoch'", "JSON number")]
    [InlineData("{\"kind\":\"model\",\"tags\":[\"a\"]}", "'tags'", "JSON array")]
    [InlineData("{\"note\":null}", "'note'", "JSON null")]
    public void Metadata_values_that_are_not_strings_are_rejected(string metadata, string key, string kind)
    {
        var header = $"{{\"__metadata__\":{metadata},\"a\":{{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[0,4]}}}}";
        ParseFails(SafetensorsTestBytes.Build(header, 4), null, $"metadata value for key {key}", kind, "must be strings");
    }

    [Fact]
    public void Metadata_that_is_not_an_object_is_rejected()
    {
        ParseFails(SafetensorsTestBytes.Build("{\"__metadata__\":[\"a\"]}", 0), null, "'__metadata__' is a JSON array");
    }

    [Fact]
    public void Duplicate_metadata_keys_are_rejected()
    {
        ParseFails(SafetensorsTestBytes.Build("{\"__metadata__\":{\"k\":\"1\",\"k\":\"2\"}}", 0), null, "metadata key 'k' appears twice");
    }

    [Fact]
    public void Missing_file_is_reported_with_its_path()
    {
        using var folder = new TemporaryFolder();
        var path = folder.File("does_not_exist.safetensors");
        var error = Assert.Throws<SafetensorsFormatException>(() => SafetensorsFile.Read(path));
        Assert.Equal(path, error.FilePath);
        Assert.Null(error.TensorName);
        Assert.Contains(path, error.Message, StringComparison.Ordinal);
        Assert.Contains("file not found", error.Message, StringComparison.Ordinal);
        Assert.IsType<FileNotFoundException>(error.InnerException);
    }

    [Fact]
    public void File_in_a_missing_folder_is_reported_with_its_path()
    {
        using var folder = new TemporaryFolder();
        var path = Path.Combine(folder.Path, "no_such_folder", "model.safetensors");
        var error = Assert.Throws<SafetensorsFormatException>(() => SafetensorsFile.Read(path));
        Assert.Contains(path, error.Message, StringComparison.Ordinal);
        Assert.Contains("file not found", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Errors_from_a_real_file_name_its_path()
    {
        using var folder = new TemporaryFolder();
        var path = folder.File("truncated.safetensors");
        File.WriteAllBytes(path, SafetensorsTestBytes.BuildWithLength("{}", 0, declaredHeaderLength: 64));
        var error = Assert.Throws<SafetensorsFormatException>(() => SafetensorsFile.Read(path));
        Assert.Equal(path, error.FilePath);
        Assert.StartsWith(path + ": ", error.Message, StringComparison.Ordinal);
        Assert.Contains("truncated", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Asking_for_a_missing_tensor_names_the_file_the_tensor_and_what_exists()
    {
        var header = """
            {"weight":{"dtype":"F32","shape":[1],"data_offsets":[0,4]},
             "bias":{"dtype":"F32","shape":[1],"data_offsets":[4,8]}}
            """;
        var file = SafetensorsFile.Parse(SafetensorsTestBytes.Build(header, 8), Source);
        var error = Assert.Throws<SafetensorsFormatException>(() => file["Weight"]);
        Assert.Equal(Source, error.FilePath);
        Assert.Equal("Weight", error.TensorName);
        Assert.Contains("no tensor named 'Weight'", error.Message, StringComparison.Ordinal);
        Assert.Contains("'weight', 'bias'", error.Message, StringComparison.Ordinal);
        Assert.False(file.TryGet("Weight", out _));
    }
}
