#include "bad_inputs.h"

namespace bnflow::test {
namespace {

// A valid session with one part replaced: keys in contract order.
std::string session(const std::string& x = "[[1, 2, 3], [4, 5.5, 6]]",
                    const std::string& gamma = "[1, 0.5, 2]",
                    const std::string& beta = "[0, 0.1, -0.3]", const std::string& eps = "1e-5",
                    const std::string& dout = "[[0.1, -0.2, 0.3], [0.4, 0, -0.1]]",
                    const std::string& header = "\"format\": \"bnflow-session\", \"version\": 1")
{
    std::string text = "{" + header;
    if (!x.empty()) text += ",\n \"x\": " + x;
    if (!gamma.empty()) text += ",\n \"gamma\": " + gamma;
    if (!beta.empty()) text += ",\n \"beta\": " + beta;
    if (!eps.empty()) text += ",\n \"eps\": " + eps;
    if (!dout.empty()) text += ",\n \"dout\": " + dout;
    return text + "\n}\n";
}

// One number of 100 000 digits: its message must not quote it whole.
std::string hugeNumber()
{
    return session("[[1, 2, 3], [4, 1" + std::string(100000, '7') + ", 6]]");
}

std::string hugeToken()
{
    return session("[[1, 2, 3], [4, tru" + std::string(100000, 'e') + ", 6]]");
}

std::string seedSession(const std::string& seed)
{
    return "{\"format\": \"bnflow-session\", \"version\": 1, \"x\": [[1], [2]],"
           " \"gamma\": [1], \"beta\": [0], \"eps\": 1e-5, \"dout_seed\": " + seed + "}";
}

std::string exerciseSession(const std::string& exercise)
{
    return session("[[1, 2, 3], [4, 5.5, 6]]", "[1, 0.5, 2]", "[0, 0.1, -0.3]", "1e-5",
                   "[[0.1, -0.2, 0.3], [0.4, 0, -0.1]]",
                   "\"format\": \"bnflow-session\", \"version\": 1, \"exercise\": " + exercise);
}

std::string deepNesting()
{
    return "{\"format\": \"bnflow-session\", \"version\": 1, \"x\": " + std::string(10000, '[') +
           std::string(10000, ']') + "}";
}

// The valid 2 x 3 session with the normalization family's keys added (norm_config.h).
std::string withKeys(const std::string& keys, const std::string& x = "[[1, 2, 3], [4, 5.5, 6]]",
                     const std::string& dout = "[[0.1, -0.2, 0.3], [0.4, 0, -0.1]]")
{
    std::string text = session(x, "[1, 0.5, 2]", "[0, 0.1, -0.3]", "1e-5", dout);
    return text.substr(0, text.size() - 3) + ",\n " + keys + "\n}\n";
}

const std::string kRunning = "\"running_mean\": [0, 1, 2], \"running_var\": [1, 2, 3]";
// A 2 x 6 batch for the spatial keys: C = 3 channels of L = 2 with withKeys' 3 gammas.
const std::string kX6 = "[[1, 2, 3, 4, 0, 1], [4, 5.5, 6, 1, 2, 0]]";
const std::string kDout6 = "[[0.1, -0.2, 0.3, 0, 1, 2], [0.4, 0, -0.1, 1, 0, -1]]";

}  // namespace

const std::vector<BadInput>& badInputs()
{
    static const std::vector<BadInput> inputs = {
        {"empty", "", "", "empty"},
        {"whitespace_only", "  \n\t\n", "", "empty"},
        {"malformed", "{\"format\": \"bnflow-session\", \"version\": 1,\n \"x\": [[1, 2,, 3]]}",
         "line 2, column 14", "syntax error"},
        {"truncated", session().substr(0, 60), "line 2", "syntax error"},
        {"trailing_garbage", session() + "garbage", "line 8, column 1", "syntax error"},
        {"second_object", session() + session(), "line 8, column 1", "syntax error"},
        {"top_level_array", "[[1, 2], [3, 4]]", "", "top level is an array"},
        {"top_level_number", "42", "", "top level is a number"},
        {"missing_format", session("[[1, 2, 3], [4, 5.5, 6]]", "[1, 0.5, 2]", "[0, 0.1, -0.3]",
                                   "1e-5", "[[0.1, -0.2, 0.3], [0.4, 0, -0.1]]", "\"version\": 1"),
         "format", "missing"},
        {"wrong_format", session("[[1, 2, 3], [4, 5.5, 6]]", "[1, 0.5, 2]", "[0, 0.1, -0.3]",
                                 "1e-5", "[[0.1, -0.2, 0.3], [0.4, 0, -0.1]]",
                                 "\"format\": \"numpy\", \"version\": 1"),
         "format", "expected \"bnflow-session\""},
        {"unsupported_version", session("[[1, 2, 3], [4, 5.5, 6]]", "[1, 0.5, 2]",
                                        "[0, 0.1, -0.3]", "1e-5",
                                        "[[0.1, -0.2, 0.3], [0.4, 0, -0.1]]",
                                        "\"format\": \"bnflow-session\", \"version\": 2"),
         "version", "reads version 1"},
        {"missing_x", session(""), "x", "missing"},
        {"missing_gamma", session("[[1, 2, 3], [4, 5.5, 6]]", ""), "gamma", "missing"},
        {"missing_beta", session("[[1, 2, 3], [4, 5.5, 6]]", "[1, 0.5, 2]", ""), "beta", "missing"},
        {"missing_eps", session("[[1, 2, 3], [4, 5.5, 6]]", "[1, 0.5, 2]", "[0, 0.1, -0.3]", ""),
         "eps", "missing"},
        {"ragged_rows", session("[[1, 2, 3], [4, 5.5]]"), "x[1]", "has 2 numbers; expected 3"},
        {"ragged_dout", session("[[1, 2, 3], [4, 5.5, 6]]", "[1, 0.5, 2]", "[0, 0.1, -0.3]",
                                "1e-5", "[[0.1, -0.2, 0.3], [0.4]]"),
         "dout[1]", "has 1 number; expected 3"},
        {"empty_batch", session("[]", "[]", "[]", "1e-5", "[]"), "x", "no rows"},
        {"empty_rows", session("[[], []]", "[]", "[]", "1e-5", "[[], []]"), "x", "empty rows"},
        {"x_not_array", session("\"1 2 3\""), "x", "expected an array of rows"},
        {"row_not_array", session("[1, 2, 3]"), "x[0]", "expected a row"},
        {"gamma_wrong_length", session("[[1, 2, 3], [4, 5.5, 6]]", "[1, 0.5]"), "gamma",
         "has 2 numbers; expected 3"},
        {"beta_wrong_length", session("[[1, 2, 3], [4, 5.5, 6]]", "[1, 0.5, 2]", "[0, 0, 0, 0]"),
         "beta", "has 4 numbers; expected 3"},
        {"dout_wrong_shape", session("[[1, 2, 3], [4, 5.5, 6]]", "[1, 0.5, 2]", "[0, 0.1, -0.3]",
                                     "1e-5", "[[0.1, -0.2, 0.3]]"),
         "dout", "is 1 x 3; expected the shape of x, 2 x 3"},
        {"negative_eps", session("[[1, 2, 3], [4, 5.5, 6]]", "[1, 0.5, 2]", "[0, 0.1, -0.3]",
                                 "-1e-5"),
         "eps", "negative"},
        {"string_in_x", session("[[1, \"2\", 3], [4, 5.5, 6]]"), "x[0][1]",
         "expected a number, got a string"},
        {"null_in_gamma", session("[[1, 2, 3], [4, 5.5, 6]]", "[1, null, 2]"), "gamma[1]",
         "got null"},
        {"boolean_in_beta", session("[[1, 2, 3], [4, 5.5, 6]]", "[1, 0.5, 2]", "[0, true, 0]"),
         "beta[1]", "got a boolean"},
        {"string_eps", session("[[1, 2, 3], [4, 5.5, 6]]", "[1, 0.5, 2]", "[0, 0.1, -0.3]",
                               "\"1e-5\""),
         "eps", "expected a number, got a string"},
        {"nan_literal", session("[[1, 2, NaN], [4, 5.5, 6]]"), "line 2, column 15",
         "syntax error"},
        {"infinity_literal", session("[[1, 2, 3], [4, Infinity, 6]]"), "line 2, column 23",
         "syntax error"},
        {"overflowing_number", session("[[1, 2, 3], [4, 1e999, 6]]"), "line 2, column 23",
         "out of range"},
        {"negative_dout_seed", "{\"format\": \"bnflow-session\", \"version\": 1, \"x\": [[1], [2]],"
                               " \"gamma\": [1], \"beta\": [0], \"eps\": 1e-5, \"dout_seed\": -3}",
         "dout_seed", "negative"},
        {"nul_then_garbage", session() + std::string("\0garbage", 8), "line 8, column 1",
         "NUL byte"},
        {"huge_number", hugeNumber(), "line 2, column 23", "out of range"},
        {"huge_token", hugeToken(), "line 2, column", "syntax error"},
        {"duplicate_key", "{\"format\": \"bnflow-session\", \"version\": 1, \"eps\": 1,"
                          " \"x\": [[1], [2]], \"gamma\": [1], \"beta\": [0], \"eps\": 1e-5}",
         "eps", "appears twice"},
        {"dout_seed_2_64", seedSession("18446744073709551616"), "dout_seed",
         "out of range; expected an integer from 0 to 2^64 - 1"},
        {"dout_seed_fraction", seedSession("2.5"), "dout_seed", "got a fraction"},
        // Exercise mode (README, "Exercise mode"): a bad "exercise" is bad input like any other.
        {"exercise_unknown_quantity", exerciseSession(R"({"hidden": [{"quantity": "dvra", "cells": "all"}]})"),
         "exercise.hidden[0].quantity", "not a quantity"},
        {"exercise_cell_outside", exerciseSession(R"({"hidden": [{"quantity": "dx", "cells": [[2, 0]]}]})"),
         "exercise.hidden[0].cells[0]", "outside dx"},
        {"exercise_locked_string", exerciseSession(R"({"locked": "yes"})"), "exercise.locked", "true or false"},
        {"binary_garbage", std::string("\x89PNG\r\n\x1a\n\0\0\0\rIHDR", 16), "line 1, column 1",
         "syntax error"},
        {"not_utf8", "{\"format\": \"bnflow-session\", \"version\": 1, \"title\": \"caf\xE9\"}",
         "line 1, column 58", "UTF-8"},
        {"utf16", std::string("\xFF\xFE{\0\"\0", 6), "line 1, column 1", "syntax error"},
        {"deep_nesting", deepNesting(), "", "nested deeper than"},
        // The normalization family's keys: each that does not apply names itself and why.
        {"layer_unknown", withKeys("\"layer\": \"instancenorm\""), "layer",
         "expected \"batchnorm\", \"layernorm\", \"rmsnorm\" or \"groupnorm\""},
        {"layer_not_string", withKeys("\"layer\": 2"), "layer", "expected \"batchnorm\""},
        {"mode_unknown", withKeys("\"mode\": \"inference\""), "mode",
         "expected \"train\" or \"eval\""},
        {"convention_unknown", withKeys(kRunning + ", \"convention\": \"tf\""), "convention",
         "expected \"pytorch\", \"keras\" or \"cs231n\""},
        {"eval_on_layernorm", withKeys("\"layer\": \"layernorm\", \"mode\": \"eval\""), "mode",
         "\"eval\" does not apply on layer norm"},
        {"eval_on_groupnorm",
         withKeys("\"layer\": \"groupnorm\", \"groups\": 3, \"mode\": \"eval\", " + kRunning),
         "mode", "eval mode is batch norm only"},
        {"running_on_rmsnorm", withKeys("\"layer\": \"rmsnorm\", " + kRunning), "running_mean",
         "does not apply on RMSNorm"},
        {"momentum_on_layernorm", withKeys("\"layer\": \"layernorm\", \"momentum\": 0.1"),
         "momentum", "does not apply on layer norm"},
        {"groups_without_groupnorm", withKeys("\"groups\": 3"), "groups",
         "does not apply on batch norm"},
        {"groups_on_layernorm", withKeys("\"layer\": \"layernorm\", \"groups\": 1"), "groups",
         "is for \"layer\": \"groupnorm\" only"},
        {"groupnorm_without_groups", withKeys("\"layer\": \"groupnorm\""), "groups",
         "missing; \"layer\": \"groupnorm\" needs \"groups\""},
        {"groups_not_dividing", withKeys("\"layer\": \"groupnorm\", \"groups\": 2"), "groups",
         "does not divide D = 3"},
        {"groups_zero", withKeys("\"layer\": \"groupnorm\", \"groups\": 0"), "groups",
         "expected an integer >= 1"},
        {"groups_fraction", withKeys("\"layer\": \"groupnorm\", \"groups\": 1.5"), "groups",
         "got a fraction"},
        // Spatial normalization ("channels"): C must divide D, suit the layer and hold G.
        {"channels_not_dividing", withKeys("\"channels\": 2"), "channels",
         "does not divide D = 3"},
        {"channels_zero", withKeys("\"channels\": 0"), "channels", "expected an integer >= 1"},
        {"channels_fraction", withKeys("\"channels\": 1.5"), "channels", "got a fraction"},
        {"channels_on_layernorm", withKeys("\"layer\": \"layernorm\", \"channels\": 3"),
         "channels", "does not apply on layer norm"},
        {"channels_on_rmsnorm", withKeys("\"layer\": \"rmsnorm\", \"channels\": 1"),
         "channels", "channels are for batchnorm and groupnorm"},
        {"gamma_per_feature_with_channels", withKeys("\"channels\": 1"), "gamma",
         "has 3 numbers; expected 1, one per channel"},
        {"groups_not_dividing_channels",
         withKeys("\"layer\": \"groupnorm\", \"groups\": 2, \"channels\": 3", kX6, kDout6),
         "groups", "does not divide C = 3 channels"},
        {"running_per_feature_with_channels",
         withKeys("\"channels\": 3, \"running_mean\": [0, 1, 2, 3, 4, 5], "
                  "\"running_var\": [1, 1, 1, 1, 1, 1]", kX6, kDout6),
         "running_mean", "has 6 numbers; expected 3, one per channel"},
        {"eval_without_running_var", withKeys("\"mode\": \"eval\", \"running_mean\": [0, 1, 2]"),
         "running_var", "missing; eval mode normalizes with running_mean and running_var"},
        {"eval_without_running", withKeys("\"mode\": \"eval\""), "running_mean", "missing"},
        {"running_mean_alone", withKeys("\"running_mean\": [0, 1, 2]"), "running_var",
         "need both running_mean and running_var"},
        {"running_var_negative",
         withKeys("\"running_mean\": [0, 1, 2], \"running_var\": [1, -2, 3]"), "running_var[1]",
         "negative"},
        {"running_mean_wrong_length",
         withKeys("\"running_mean\": [0, 1], \"running_var\": [1, 2, 3]"), "running_mean",
         "has 2 numbers; expected 3"},
        {"running_var_string",
         withKeys("\"running_mean\": [0, 1, 2], \"running_var\": [1, \"2\", 3]"),
         "running_var[1]", "expected a number, got a string"},
        {"momentum_outside_0_1", withKeys(kRunning + ", \"momentum\": 1.5"), "momentum",
         "outside [0, 1]"},
        {"momentum_negative", withKeys(kRunning + ", \"momentum\": -0.1"), "momentum",
         "outside [0, 1]"},
        {"momentum_without_running", withKeys("\"momentum\": 0.1"), "momentum",
         "does not apply without running_mean and running_var"},
        {"convention_without_running", withKeys("\"convention\": \"keras\""), "convention",
         "does not apply without running_mean and running_var"},
        {"momentum_in_eval", withKeys("\"mode\": \"eval\", \"momentum\": 0.1, " + kRunning),
         "momentum", "does not apply in eval mode"},
        {"convention_in_eval", withKeys("\"mode\": \"eval\", \"convention\": \"keras\", " + kRunning),
         "convention", "does not apply in eval mode"},
        {"pytorch_running_n1", withKeys(kRunning, "[[1, 2, 3]]", "[[0.1, -0.2, 0.3]]"),
         "running_var", "divides by N - 1 = 0"},
        {"pytorch_convention_n1",
         withKeys(kRunning + ", \"convention\": \"pytorch\"", "[[1, 2, 3]]", "[[0.1, -0.2, 0.3]]"),
         "convention", "divides by N - 1 = 0"},
        {"zero_variance_eps_zero", session("[[1, 2, 3], [4, 2, 6]]", "[1, 0.5, 2]",
                                           "[0, 0.1, -0.3]", "0"),
         "x[*][1]", "constant (variance 0) and eps = 0", true},
        {"tiny_eps_constant_column", session("[[1, 2, 3], [4, 2, 6]]", "[1, 0.5, 2]",
                                             "[0, 0.1, -0.3]", "1e-300"),
         "x[*][1]", "var + eps = 1e-300 is so small", true},
        {"subnormal_column", session("[[1, 5e-324, 3], [4, 1e-323, 6]]", "[1, 0.5, 2]",
                                     "[0, 0.1, -0.3]", "0"),
         "x[*][1]", "variance underflows to 0", true},
        {"variance_overflow", session("[[1e200, 2, 3], [-1e200, 5.5, 6]]"), "x[*][0]",
         "overflows", true},
        {"result_overflow", session("[[1, 2, 3], [4, 5.5, 6]]", "[1, 1e308, 2]",
                                    "[0, 1e308, -0.3]"),
         "y[", "overflows", true},
    };
    return inputs;
}

}  // namespace bnflow::test
