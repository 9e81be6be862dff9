using System.Runtime.InteropServices;

namespace ApiGateway.Gateway.Tests.Proxy;

/// <summary>
/// NFKC, NFC and two binary properties straight from the system's ICU (libicuuc), the oracle for the path rule's
/// tables: the tests run with invariant globalization like the gateway, where <c>string.Normalize</c> leaves text as it is.
/// ICU's exported names carry its major version (<c>unorm2_normalize_72</c>), so the library and suffix are probed as
/// .NET itself does.
/// </summary>
internal sealed class IcuUnicode
{
    private const int DefaultIgnorableCodePoint = 5; // UCHAR_DEFAULT_IGNORABLE_CODE_POINT
    private const int NoncharacterCodePoint = 24;    // UCHAR_NONCHARACTER_CODE_POINT

    [UnmanagedFunctionPointer(CallingConvention.Cdecl)]
    private delegate nint GetInstance(ref int status);

    [UnmanagedFunctionPointer(CallingConvention.Cdecl, CharSet = CharSet.Unicode)]
    private delegate int NormalizeText(nint normalizer, string source, int length, [Out] char[] destination, int capacity, ref int status);

    [UnmanagedFunctionPointer(CallingConvention.Cdecl)]
    private delegate sbyte HasBinaryProperty(int codePoint, int property);

    private readonly nint _nfkc;
    private readonly nint _nfc;
    private readonly NormalizeText _normalize;
    private readonly HasBinaryProperty _hasBinaryProperty;

    private IcuUnicode(nint library, int version)
    {
        T Export<T>(string name) => Marshal.GetDelegateForFunctionPointer<T>(NativeLibrary.GetExport(library, $"{name}_{version}"));
        var status = 0;
        _nfkc = Export<GetInstance>("unorm2_getNFKCInstance")(ref status);
        _nfc = Export<GetInstance>("unorm2_getNFCInstance")(ref status);
        Assert.True(status <= 0, $"ICU normalizer instances failed: {status}");
        _normalize = Export<NormalizeText>("unorm2_normalize");
        _hasBinaryProperty = Export<HasBinaryProperty>("u_hasBinaryProperty");
        Version = version;
    }

    public int Version { get; }

    /// <summary>The system's ICU, or a failure naming what was looked for: the sweep must not pass by finding nothing.</summary>
    public static IcuUnicode Load()
    {
        for (var version = 90; version >= 50; version--)
        {
            if (NativeLibrary.TryLoad($"libicuuc.so.{version}", out var library))
            {
                return new IcuUnicode(library, version);
            }
        }
        throw new InvalidOperationException("No libicuuc.so.50 … .90 found: install ICU (libicu) to run the Unicode sweep.");
    }

    public string Nfkc(string text) => Normalize(_nfkc, text);

    public string Nfc(string text) => Normalize(_nfc, text);

    public bool IsDefaultIgnorable(int codePoint) => _hasBinaryProperty(codePoint, DefaultIgnorableCodePoint) != 0;

    public bool IsNoncharacter(int codePoint) => _hasBinaryProperty(codePoint, NoncharacterCodePoint) != 0;

    private string Normalize(nint normalizer, string text)
    {
        var status = 0;
        var output = new char[64]; // the longest NFKC expansion of one code point is 18 UTF-16 units (U+FDFA)
        var length = _normalize(normalizer, text, text.Length, output, output.Length, ref status);
        Assert.True(status <= 0, $"ICU normalize failed: {status}");
        return new string(output, 0, length);
    }
}
