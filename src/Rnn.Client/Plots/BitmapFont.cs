namespace Rnn.Client.Plots;

/// <summary>
/// A 5×7 pixel font with digits, lowercase letters and the punctuation that tick labels and titles use, so that the
/// chart needs no font files or native text rendering. Each glyph is seven rows of five cells, '#' = ink. Uppercase
/// is drawn as lowercase; a character it lacks is drawn as a hollow box, which shows that something is missing.
/// </summary>
internal static class BitmapFont
{
    public const int GlyphWidth = 5;
    public const int GlyphHeight = 7;

    /// <summary>Glyph width plus one column between characters.</summary>
    public const int Advance = GlyphWidth + 1;

    private static readonly Dictionary<char, string[]> Glyphs = Parse(
        "0 .###. #...# #..## #.#.# ##..# #...# .###.",
        "1 ..#.. .##.. ..#.. ..#.. ..#.. ..#.. .###.",
        "2 .###. #...# ....# ...#. ..#.. .#... #####",
        "3 ##### ...#. ..#.. ...#. ....# #...# .###.",
        "4 ...#. ..##. .#.#. #..#. ##### ...#. ...#.",
        "5 ##### #.... ####. ....# ....# #...# .###.",
        "6 ..##. .#... #.... ####. #...# #...# .###.",
        "7 ##### ....# ...#. ..#.. .#... .#... .#...",
        "8 .###. #...# #...# .###. #...# #...# .###.",
        "9 .###. #...# #...# .#### ....# ...#. .##..",
        ". ..... ..... ..... ..... ..... .##.. .##..",
        "- ..... ..... ..... .###. ..... ..... .....",
        "+ ..... ..#.. ..#.. ##### ..#.. ..#.. .....",
        ": ..... .##.. .##.. ..... .##.. .##.. .....",
        "_ ..... ..... ..... ..... ..... ..... #####",
        "( ...#. ..#.. .#... .#... .#... ..#.. ...#.",
        ") .#... ..#.. ...#. ...#. ...#. ..#.. .#...",
        "/ ..... ....# ...#. ..#.. .#... #.... .....",
        ", ..... ..... ..... ..... .##.. ..#.. .#...",
        "a ..... ..... .###. ....# .#### #...# .####",
        "b #.... #.... #.##. ##..# #...# #...# ####.",
        "c ..... ..... .###. #.... #.... #...# .###.",
        "d ....# ....# .##.# #..## #...# #...# .####",
        "e ..... ..... .###. #...# ##### #.... .###.",
        "f ..##. .#..# .#... ###.. .#... .#... .#...",
        "g .#### #...# #...# .#### ....# .###. .....",
        "h #.... #.... #.##. ##..# #...# #...# #...#",
        "i ..#.. ..... .##.. ..#.. ..#.. ..#.. .###.",
        "j ...#. ..... ..##. ...#. ...#. #..#. .##..",
        "k #.... #.... #..#. #.#.. ##... #.#.. #..#.",
        "l .##.. ..#.. ..#.. ..#.. ..#.. ..#.. .###.",
        "m ..... ..... ##.#. #.#.# #.#.# #...# #...#",
        "n ..... ..... #.##. ##..# #...# #...# #...#",
        "o ..... ..... .###. #...# #...# #...# .###.",
        "p ####. #...# #...# ####. #.... #.... .....",
        "q .#### #...# #...# .#### ....# ....# .....",
        "r ..... ..... #.##. ##..# #.... #.... #....",
        "s ..... ..... .###. #.... .###. ....# ####.",
        "t .#... .#... ###.. .#... .#... .#..# ..##.",
        "u ..... ..... #...# #...# #...# #..## .##.#",
        "v ..... ..... #...# #...# #...# .#.#. ..#..",
        "w ..... ..... #...# #...# #.#.# #.#.# .#.#.",
        "x ..... ..... #...# .#.#. ..#.. .#.#. #...#",
        "y #...# #...# #...# .#### ....# .###. .....",
        "z ..... ..... ##### ...#. ..#.. .#... #####");

    /// <summary>Letters whose glyph starts at the x-height and hangs below the baseline: drawn this many rows lower.</summary>
    private const string Descenders = "gpqy";
    private const int DescenderDrop = 2;

    private static readonly string[] MissingGlyph = ["#####", "#...#", "#...#", "#...#", "#...#", "#...#", "#####"];

    public static int MeasureWidth(string text, int scale) => text.Length == 0 ? 0 : (text.Length * Advance - 1) * scale;

    public static int MeasureHeight(int scale) => GlyphHeight * scale;

    /// <summary>Draws <paramref name="text"/> with its top-left corner at (x, y), each font pixel a scale×scale block.</summary>
    public static void Draw(RgbImage image, int x, int y, string text, RgbColor color, int scale)
    {
        foreach (var character in text)
        {
            if (character != ' ')
            {
                var lower = char.ToLowerInvariant(character);
                var glyph = Glyphs.GetValueOrDefault(lower, MissingGlyph);
                var drop = Descenders.Contains(lower) ? DescenderDrop : 0;
                for (var row = 0; row < GlyphHeight; row++)
                {
                    for (var column = 0; column < GlyphWidth; column++)
                    {
                        if (glyph[row][column] == '#') image.FillRectangle(x + column * scale, y + (row + drop) * scale, scale, scale, color);
                    }
                }
            }
            x += Advance * scale;
        }
    }

    private static Dictionary<char, string[]> Parse(params string[] lines)
    {
        var glyphs = new Dictionary<char, string[]>();
        foreach (var line in lines)
        {
            var rows = line[2..].Split(' ');
            if (rows.Length != GlyphHeight || rows.Any(r => r.Length != GlyphWidth))
                throw new InvalidOperationException($"glyph '{line[0]}' is not {GlyphWidth}×{GlyphHeight}");
            glyphs.Add(line[0], rows);
        }
        return glyphs;
    }
}
