// CsvReader, JsonInput and Params: the line numbers and messages every reader builds on.
#include <catch2/catch.hpp>

#include "clustersim/core/csv.hpp"
#include "clustersim/core/error.hpp"
#include "clustersim/core/json_input.hpp"
#include "clustersim/core/params.hpp"
#include "test_support.hpp"

using namespace clustersim;
using clustersim::test::error_of;
using clustersim::test::TempDir;

TEST_CASE("CsvReader counts physical lines, including blank ones", "[core][csv]") {
  TempDir dir;
  // BOM, CRLF, blank lines and padded fields.
  auto path = dir.write("a.csv", "\xEF\xBB\xBFid, x ,y\r\n\r\n1,2,3\r\n\n  \n4, 5 ,6\n");
  CsvReader csv(path);
  CHECK(csv.header() == std::vector<std::string>{"id", "x", "y"});
  CHECK(csv.require({"x"}) == 1);
  CHECK(csv.find({"nope", "y"}) == std::optional<std::size_t>(2));
  REQUIRE(csv.next());
  CHECK(csv.line() == 3);
  CHECK(csv.get_int(0) == 1);
  REQUIRE(csv.next());
  CHECK(csv.line() == 6);
  CHECK(csv.field(1) == "5");
  CHECK(csv.get_double(2) == 6.0);
  CHECK(error_of([&] { csv.fail("boom"); }) == path + ":6: boom");
  CHECK_FALSE(csv.next());
  CHECK(csv.rows_read() == 2);
  CHECK(error_of([&] { csv.require({"z"}); }) == path + ":1: missing column 'z'");
}

TEST_CASE("CsvReader rejects bad fields with file:line and the column", "[core][csv]") {
  TempDir dir;
  auto path = dir.write("b.csv", "n,t\n12.0,1.5\n1e3,-1\nx,1e13\n1,2,3\n");
  CsvReader csv(path);
  REQUIRE(csv.next());
  CHECK(csv.get_int(0) == 12);  // integral floats are integers
  CHECK(csv.get_time(1) == 1'500'000);
  CHECK(csv.get_time(1, 1e-3) == 1'500);  // milliseconds
  REQUIRE(csv.next());
  CHECK(csv.get_int(0) == 1000);
  CHECK(error_of([&] { csv.get_time(1); }) == path + ":3: column 't': negative time -1");
  REQUIRE(csv.next());
  CHECK(error_of([&] { csv.get_int(0); }) == path + ":4: column 'n': 'x' is not an integer");
  CHECK(error_of([&] { csv.get_time(1); }) == path + ":4: column 't': time 1e13 overflows");
  CHECK(error_of([&] { csv.next(); }) == path + ":5: expected 2 fields as in the header, found 3");
}

TEST_CASE("CsvReader: empty and missing files, repeated columns", "[core][csv]") {
  TempDir dir;
  auto twice = dir.write("t.csv", "\n a,b,a\n1,2,3\n");
  CHECK(error_of([&] { CsvReader c(twice); }) ==
        twice + ":2: column 'a' appears twice in the header");
  auto empty = dir.write("e.csv", "");
  CHECK(error_of([&] { CsvReader c(empty); }) == empty + ":1: empty file (no header)");
  auto missing = dir.file("missing.csv");
  CHECK(error_of([&] { CsvReader c(missing); }) ==
        missing + ": cannot open: No such file or directory");
  CHECK(error_of([&] { CsvReader c(dir.path().string()); }) ==
        dir.path().string() + ": is a folder, not a file");
}

TEST_CASE("parse_int and parse_double refuse junk, overflow and non-finite values", "[core][csv]") {
  CHECK(parse_int(" 42 ") == std::optional<std::int64_t>(42));
  CHECK(parse_int("+7") == std::optional<std::int64_t>(7));
  CHECK_FALSE(parse_int("4x"));
  CHECK_FALSE(parse_int(""));
  CHECK_FALSE(parse_int("99999999999999999999"));
  CHECK(parse_double("2.5") == std::optional<double>(2.5));
  CHECK_FALSE(parse_double("nan"));
  CHECK_FALSE(parse_double("inf"));
  CHECK_FALSE(parse_double("1e400"));
  CHECK_FALSE(parse_double("1.5s"));
}

TEST_CASE("JsonInput records the line of every value", "[core][json]") {
  const std::string text =
      "{\n"                       // 1
      "  \"name\": \"x\",\n"      // 2
      "  \"list\": [\n"           // 3
      "    1,\n"                  // 4
      "    {\"a\": true,\n"       // 5
      "     \"b/c\": \"s\"}\n"    // 6
      "  ],\n"                    // 7
      "  \"n\": 2.5, \"i\": 3\n"  // 8
      "}\n";
  JsonInput in("f.json", text);
  CHECK(in.line_of("") == 1);
  CHECK(in.line_of("/name") == 2);
  CHECK(in.line_of("/list") == 3);
  CHECK(in.line_of("/list/0") == 4);
  CHECK(in.line_of("/list/1") == 5);
  CHECK(in.line_of("/list/1/a") == 5);
  CHECK(in.line_of("/list/1/b~1c") == 6);
  CHECK(in.line_of("/i") == 8);
  CHECK(in.line_of("/list/1/missing") == 5);  // falls back to the nearest recorded ancestor
  CHECK(in.number("/n") == 2.5);
  CHECK(in.integer("/i") == 3);
  CHECK(in.string("/name") == "x");
  CHECK(error_of([&] { in.integer("/n"); }) == "f.json:8: '/n' must be an integer");
  CHECK(error_of([&] { in.string("/list/0"); }) == "f.json:4: '/list/0' must be a string");
  CHECK(error_of([&] { in.at("/list/1/zz"); }) == "f.json:5: missing '/list/1/zz'");
}

TEST_CASE("JsonInput: syntax errors, overflow and empty input name the line", "[core][json]") {
  auto msg = error_of([] { JsonInput("g.json", "{\n  \"a\": 1,\n  \"b\": ]\n}\n"); });
  CHECK(msg.rfind("g.json:3: invalid JSON", 0) == 0);
  msg = error_of([] { JsonInput("g.json", "{\n\"a\": 1,\n\"b\": 1e999\n}"); });
  CHECK(msg.rfind("g.json:3: invalid JSON", 0) == 0);
  CHECK(error_of([] { JsonInput("g.json", " \n\t"); }) == "g.json:1: empty file");
  JsonInput big("g.json", "{\"u\": 18446744073709551615}");
  CHECK(error_of([&] { big.integer("/u"); }) == "g.json:1: '/u' is too large");
}

TEST_CASE("Params: declared keys, typed getters, defaults and validation", "[core][params]") {
  Params p;
  p.declare(
      {param::real("a", 2.5, "s", "a real", 0), param::integer("n", 3, "", "an int", 1, 9),
       param::flag("flag", false, "a flag"), param::reals("list", "4,5", "", "a list"),
       param::choice("mode", "fast", {"fast", "exact"}, "a choice"), param::path("file", "a path")},
      "test");
  // Declared defaults, and a run default (a component's) that a setting still overrides.
  CHECK(p.get_double("a") == 2.5);
  CHECK(p.get_int("n") == 3);
  CHECK_FALSE(p.get_bool("flag"));
  CHECK(p.get_doubles("list") == std::vector<double>{4, 5});
  CHECK(p.get_string("file").empty());
  p.set_default("n", "4");
  CHECK(p.get_int("n") == 4);
  p.set_from_string("n=7");
  p.set_from_string("flag=on");
  p.set_from_string("list=1,2;3");
  CHECK(p.get_int("n") == 7);
  CHECK(p.get_bool("flag"));
  CHECK(p.get_doubles("list") == std::vector<double>{1, 2, 3});
  CHECK(error_of([&] { p.set_from_string("novalue"); }) ==
        "--set expects key=value, got 'novalue'");
  CHECK(error_of([&] { p.set_from_string("=3"); }) == "--set expects key=value, got '=3'");
  CHECK(error_of([&] { p.validate(); }).empty());
  // Malformed and out-of-range values name the key.
  p.set("n", "1.5");
  CHECK(error_of([&] { p.get_int("n"); }) == "parameter n: '1.5' is not an integer");
  p.set("n", "10");
  CHECK(error_of([&] { p.validate(); }) == "parameter n: '10' must be in [1, 9]");
  p.set("n", "7");
  p.set("a", "-1");
  CHECK(error_of([&] { p.validate(); }) == "parameter a: '-1' must be >= 0");
  p.set("a", "1");
  p.set("mode", "exakt");
  CHECK(error_of([&] { p.validate(); }) ==
        "parameter mode: 'exakt' is not one of: fast, exact (did you mean exact?)");
  p.set("mode", "exact");
  // An undeclared key: unknown, with the nearest declared keys.
  p.set("lsit", "1");
  CHECK(error_of([&] { p.validate(); }) == "unknown parameter lsit (did you mean list?)");
  // Reading a key nobody declared is a bug in clustersim, not in the input.
  CHECK_THROWS_AS(p.get_int("undeclared"), InvariantError);
}

TEST_CASE("Params: a key of a component the run does not use is not honoured", "[core][params]") {
  // muri.autopack is declared by the registered muri-s and muri-l policies only.
  Params p;
  p.declare({param::flag("x", false, "")}, "test");
  p.set("muri.autopack", "false");
  CHECK(error_of([&] { p.validate(); }) ==
        "parameter muri.autopack is not honoured by this run: it belongs to policy muri-l, "
        "policy muri-s, which this run does not use");
}

TEST_CASE("JsonInput skips a byte order mark and still counts lines", "[core][json]") {
  TempDir dir;
  // The BOM once made the line index pop an empty stack (a crash found by the fuzz target).
  auto path =
      dir.write("b.json", "\xEF\xBB\xBF{\r\n  \"a\": 1,\r\n  \"b\": {\"c\": [1, 2]}\r\n}\r\n");
  JsonInput in(path);
  CHECK(in.line_of("/a") == 2);
  CHECK(in.line_of("/b/c/1") == 3);
  CHECK(error_of([&] {
          in.check_keys("", {"a", "bb"});
        }) == path + ":3: unknown key 'b' (did you mean a, bb?) (known: a, bb)");
}
