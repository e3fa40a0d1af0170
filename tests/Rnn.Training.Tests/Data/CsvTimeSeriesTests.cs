using Rnn.Training.Data;

namespace Rnn.Training.Tests.Data;

public sealed class CsvTimeSeriesTests : IDisposable
{
    private readonly TemporaryFolder _temp = new();

    public void Dispose() => _temp.Dispose();

    [Fact]
    public void The_co2_column_of_the_real_file_reads_in_order()
    {
        var values = CsvTimeSeries.ReadColumn(RepositoryPaths.DataFile("timeseries", "co2-concentration.csv"), "CO2");

        Assert.True(values.Length > 700, $"only {values.Length} values");
        Assert.Equal(315.70, values[0]);
        Assert.Equal(416.18, values[^1]);
        Assert.All(values, v => Assert.InRange(v, 300, 450));
    }

    [Fact]
    public void A_column_whose_name_has_a_space_reads_too()
    {
        var values = CsvTimeSeries.ReadColumn(
            RepositoryPaths.DataFile("timeseries", "co2-concentration.csv"), "adjusted CO2");

        Assert.Equal(314.44, values[0]);
    }

    [Fact]
    public void The_seattle_weather_temperature_column_reads()
    {
        var values = CsvTimeSeries.ReadColumn(RepositoryPaths.DataFile("timeseries", "seattle-weather.csv"), "temp_max");

        Assert.Equal(1461, values.Length);
        Assert.Equal(12.8, values[0]);
    }

    [Fact]
    public void Quoted_fields_may_hold_commas_quotes_and_line_breaks()
    {
        var path = _temp.WriteText("q.csv",
            "name,\"value, in units\"\r\n\"a, \"\"quoted\"\"\",1.5\r\n\"two\nlines\",\"-2e3\"\r\n\r\nlast,3\n");

        Assert.Equal([1.5, -2000, 3], CsvTimeSeries.ReadColumn(path, "value, in units"));
    }

    [Fact]
    public void A_cell_that_is_not_a_number_names_file_line_and_column()
    {
        var path = _temp.WriteText("bad.csv", "Date,CO2\n1958-03-01,315.70\n1958-04-01,n/a\n");

        var error = Assert.Throws<DataFormatException>(() => CsvTimeSeries.ReadColumn(path, "CO2"));

        Assert.Contains(path, error.Message);
        Assert.Contains("line 3, column 'CO2' (column 2): \"n/a\" is not a number", error.Message);
        Assert.Equal(3, error.LineNumber);
    }

    [Fact]
    public void Line_numbers_count_physical_lines_after_a_quoted_line_break()
    {
        var path = _temp.WriteText("bad.csv", "note,v\n\"two\nlines\",1\nx,oops\n");

        var error = Assert.Throws<DataFormatException>(() => CsvTimeSeries.ReadColumn(path, "v"));

        Assert.Contains("line 4, column 'v' (column 2)", error.Message);
    }

    [Fact]
    public void A_non_finite_number_is_rejected()
    {
        var path = _temp.WriteText("nan.csv", "v\n1\nNaN\n");

        var error = Assert.Throws<DataFormatException>(() => CsvTimeSeries.ReadColumn(path, "v"));

        Assert.Contains("line 3, column 'v' (column 1): \"NaN\" is not a finite number", error.Message);
    }

    [Fact]
    public void A_missing_column_lists_the_columns_that_exist()
    {
        var path = RepositoryPaths.DataFile("timeseries", "co2-concentration.csv");

        var error = Assert.Throws<DataFormatException>(() => CsvTimeSeries.ReadColumn(path, "co2"));

        Assert.Contains(path, error.Message);
        Assert.Contains("no column 'co2'", error.Message);
        Assert.Contains("'Date' (1), 'CO2' (2), 'adjusted CO2' (3)", error.Message);
    }

    [Fact]
    public void A_row_with_too_few_cells_names_the_line_and_the_missing_column()
    {
        var path = _temp.WriteText("short.csv", "a,b,c\n1,2,3\n4,5\n");

        var error = Assert.Throws<DataFormatException>(() => CsvTimeSeries.ReadColumn(path, "c"));

        Assert.Contains(path, error.Message);
        Assert.Contains("line 3: too few cells: found 2, the header has 3, so it has no column 'c' (column 3)", error.Message);
    }

    [Fact]
    public void A_row_with_too_many_cells_is_rejected()
    {
        var path = _temp.WriteText("long.csv", "a,b\n1,2,3\n");

        var error = Assert.Throws<DataFormatException>(() => CsvTimeSeries.ReadColumn(path, "a"));

        Assert.Contains("line 2: too many cells: found 3, the header has 2", error.Message);
    }

    [Fact]
    public void An_unclosed_quote_names_the_line_where_the_record_starts()
    {
        var path = _temp.WriteText("open.csv", "a,b\n1,\"2\n3,4\n");

        var error = Assert.Throws<DataFormatException>(() => CsvTimeSeries.ReadColumn(path, "a"));

        Assert.Contains("line 2: a quoted field is not closed", error.Message);
    }

    [Fact]
    public void An_empty_file_is_an_error_naming_the_file()
    {
        var path = _temp.WriteText("empty.csv", "");

        var error = Assert.Throws<DataFormatException>(() => CsvTimeSeries.ReadColumn(path, "CO2"));

        Assert.Contains(path, error.Message);
        Assert.Contains("is empty", error.Message);
    }

    [Fact]
    public void A_file_with_only_a_header_is_an_error()
    {
        var path = _temp.WriteText("header.csv", "Date,CO2\n");

        var error = Assert.Throws<DataFormatException>(() => CsvTimeSeries.ReadColumn(path, "CO2"));

        Assert.Contains(path, error.Message);
        Assert.Contains("only a header (line 1) and no data rows", error.Message);
        Assert.Contains("column 'CO2' (column 2)", error.Message);
    }

    [Fact]
    public void A_missing_file_is_an_error_naming_the_file()
    {
        var path = _temp.File("absent.csv");

        var error = Assert.Throws<FileNotFoundException>(() => CsvTimeSeries.ReadColumn(path, "CO2"));

        Assert.Contains(path, error.Message);
    }
}
