// Reading LiveKit's protobuf-JSON: one reader for Twirp responses and webhook bodies, because
// both come as camelCase (the SDKs) or snake_case (the real server), with 64-bit integers as
// strings or numbers, nulls meaning defaults, and unknown fields to ignore.
#pragma once

#include <boost/json/object.hpp>
#include <cstdint>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

#include "domain/livekit.hpp"

namespace lso::livekit::protojson {

// A field holds a value of the wrong JSON type.
class ShapeError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

// The field under its camelCase or snake_case name (pass one name when both spell the same);
// nullptr when absent or null.
const boost::json::value* field(const boost::json::object& o, std::string_view camel,
                                std::string_view snake = {});

std::string get_string(const boost::json::object& o, std::string_view camel,
                       std::string_view snake = {});
// Integers as numbers or decimal strings ("1700000000"); an integral double is accepted too.
std::int64_t get_int64(const boost::json::object& o, std::string_view camel,
                       std::string_view snake = {});
// The nested object, or nullptr when absent or null.
const boost::json::object* get_object(const boost::json::object& o, std::string_view camel,
                                      std::string_view snake = {});
// The elements of an array of objects; empty when absent or null.
std::vector<const boost::json::object*> get_objects(const boost::json::object& o,
                                                    std::string_view camel,
                                                    std::string_view snake = {});

domain::Room read_room(const boost::json::object& o);
domain::RoomParticipant read_participant(const boost::json::object& o);
// IngressInfo / EgressInfo; enums by name or ordinal (absent: protobuf's default, the first).
domain::IngressInfo read_ingress(const boost::json::object& o);
domain::EgressInfo read_egress(const boost::json::object& o);

}  // namespace lso::livekit::protojson
