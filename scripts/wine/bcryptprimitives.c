/* Wine 8.0 (Debian 12's wine64) has no bcryptprimitives.dll, which Rust's standard library
 * imports on Windows 10+ for ProcessPrng (rust-lang/rust#121337; Wine added the DLL in 8.13).
 * Windows itself always has it. This stand-in lets the cross-built tests start under that Wine:
 * it answers ProcessPrng from the system's own generator (RtlGenRandom, advapi32's
 * SystemFunction036), which Wine implements. It is only ever placed in the tests' Wine prefix,
 * never shipped. Built by scripts/test-windows with x86_64-w64-mingw32-gcc. */
#include <windows.h>

BOOLEAN WINAPI SystemFunction036(PVOID buffer, ULONG length);

BOOL WINAPI ProcessPrng(PBYTE data, SIZE_T length) {
    while (length > 0) {
        ULONG chunk = length > 0x7fffffff ? 0x7fffffff : (ULONG)length;
        if (!SystemFunction036(data, chunk)) return FALSE;
        data += chunk;
        length -= chunk;
    }
    return TRUE;
}
