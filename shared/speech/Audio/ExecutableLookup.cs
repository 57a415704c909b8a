namespace Cekura.Speech.Audio;

/// <summary>Finds a program the way a shell would: a path as given, a bare name on <c>PATH</c>.</summary>
public static class ExecutableLookup
{
    public static bool Exists(string program)
    {
        if (program.Contains(Path.DirectorySeparatorChar) || program.Contains(Path.AltDirectorySeparatorChar))
        {
            return File.Exists(program);
        }
        var path = Environment.GetEnvironmentVariable("PATH") ?? "";
        return path.Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries)
            .Any(directory => File.Exists(Path.Combine(directory, program)));
    }
}
