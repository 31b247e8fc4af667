// Table-driven base64/base64url: JWT signing and verification run per request, so no streams,
// no per-character allocation.
#include "livekit/base64.hpp"

#include <array>
#include <cstdint>

namespace lso::livekit {
namespace {

constexpr std::string_view kUrlAlphabet =
    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
constexpr std::string_view kStdAlphabet =
    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

// 0xFF marks a byte outside the base64url alphabet.
constexpr std::array<std::uint8_t, 256> make_url_decode_table() {
  std::array<std::uint8_t, 256> table{};
  table.fill(0xFF);
  for (std::size_t i = 0; i < kUrlAlphabet.size(); ++i) {
    table[static_cast<unsigned char>(kUrlAlphabet[i])] = static_cast<std::uint8_t>(i);
  }
  return table;
}
constexpr auto kUrlDecode = make_url_decode_table();

// Writes through a pointer into storage sized up front: per-character push_back was the single
// largest cost of signing a token.
void encode(std::string& out, std::string_view bytes, std::string_view alphabet, bool pad) {
  const auto* in = reinterpret_cast<const unsigned char*>(bytes.data());
  const std::size_t n = bytes.size();
  const std::size_t rest = n % 3;
  const std::size_t length = n / 3 * 4 + (rest == 0 ? 0 : (pad ? 4 : rest + 1));
  const std::size_t start = out.size();
  out.resize(start + length);
  char* o = out.data() + start;
  const char* a = alphabet.data();
  std::size_t i = 0;
  for (; i + 3 <= n; i += 3) {
    const std::uint32_t v =
        (std::uint32_t{in[i]} << 16) | (std::uint32_t{in[i + 1]} << 8) | in[i + 2];
    *o++ = a[(v >> 18) & 63];
    *o++ = a[(v >> 12) & 63];
    *o++ = a[(v >> 6) & 63];
    *o++ = a[v & 63];
  }
  if (rest > 0) {
    std::uint32_t v = std::uint32_t{in[i]} << 16;
    if (rest == 2) {
      v |= std::uint32_t{in[i + 1]} << 8;
    }
    *o++ = a[(v >> 18) & 63];
    *o++ = a[(v >> 12) & 63];
    if (rest == 2) {
      *o++ = a[(v >> 6) & 63];
    } else if (pad) {
      *o++ = '=';
    }
    if (pad) {
      *o++ = '=';
    }
  }
}

}  // namespace

void append_base64url(std::string& out, std::string_view bytes) {
  encode(out, bytes, kUrlAlphabet, false);
}

std::string encode_base64(std::string_view bytes) {
  std::string out;
  encode(out, bytes, kStdAlphabet, true);
  return out;
}

bool decode_base64url(std::string_view text, std::string& out) {
  if (text.size() % 4 == 1) {  // one leftover character cannot encode a byte
    out.clear();
    return false;
  }
  out.resize(text.size() / 4 * 3 + (text.size() % 4 == 0 ? 0 : text.size() % 4 - 1));
  char* o = out.data();
  std::uint32_t acc = 0;
  int bits = 0;
  for (const char c : text) {
    const std::uint8_t d = kUrlDecode[static_cast<unsigned char>(c)];
    if (d == 0xFF) {
      out.clear();
      return false;
    }
    acc = (acc << 6) | d;
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      *o++ = static_cast<char>((acc >> bits) & 0xFF);
    }
  }
  // Leftover bits must be zero: otherwise two different texts would decode to the same bytes.
  return (acc & ((1U << bits) - 1)) == 0;
}

}  // namespace lso::livekit
