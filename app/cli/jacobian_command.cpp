// bnflow-cli jacobian: the Jacobian of one normalization set (doc/jacobian.md).
#include "cli.h"

#include <core/io/json_format.h>
#include <core/math/jacobian.h>

#include <stdexcept>

namespace bnflow::cli {

const CommandSpec kJacobianSpec{
    "jacobian", "SESSION [--feature J] [--sample I]", "the Jacobian of one normalization set, as JSON",
    R"(Prints the M x M matrix d y_set / d x_set of one normalization set, every other entry of x
held fixed, rows indexed by y and columns by x, with its eigenvalues and the dimension of its
null space, as one JSON object:
  {"layer": ..., "set": ..., "size": M, "matrix": [[...]], "eigenvalues": [...],
   "null_space_dim": k}
The set: batch norm, training: feature J's column ("feature J", M = N); with "channels", the
channel of feature J ("channel c", its N * L entries sample by sample); eval: feature J's
column, a diagonal matrix; layer norm and RMSNorm: sample I's row ("sample I", M = D); group
norm: the group of sample I that holds feature J ("sample I, group g", M = D / G).
The matrix is diag(gamma) S with S symmetric positive semidefinite: its eigenvalues are real,
computed as those of S^1/2 diag(gamma) S^1/2, ascending. null_space_dim = M - rank, the rank
counting singular values above 1e-12 times the largest. At most M = 4096.
SESSION - reads standard input.
)",
    {{"feature", "J", "a feature index 0..D-1 (default 0): batch norm's column or channel,\n"
                      "group norm's group"},
     {"sample", "I", "a sample index 0..N-1 (default 0): the row of layer norm, RMSNorm\n"
                     "and group norm"}}};

namespace {

Eigen::Index indexOption(const ParsedArgs& parsed, const std::string& option, Eigen::Index count,
                         const char* what, const std::string& session)
{
    const auto text = parsed.value(option);
    if (!text)
        return 0;
    const long value = parseIndex(option, *text);
    if (value >= count)
        throw BadInput{"option " + option + ": expected a " + what + " index 0.." +
                       std::to_string(count - 1) + " of " + session + ", got " + std::to_string(value)};
    return Eigen::Index(value);
}

}  // namespace

Output jacobianCommand(const ParsedArgs& parsed)
{
    // The options' syntax first, so that --feature x is a usage error whatever the session.
    if (const auto text = parsed.value("--feature"))
        parseIndex("--feature", *text);
    if (const auto text = parsed.value("--sample"))
        parseIndex("--sample", *text);
    const LoadedSession in = loadSessionArgument(parsed);
    const Session& s = in.session;
    const Eigen::Index feature = indexOption(parsed, "--feature", s.features(), "feature", in.name);
    const Eigen::Index sample = indexOption(parsed, "--sample", s.samples(), "sample", in.name);
    JacobianResult result = layerJacobian(s, feature, sample);
    throwProblems(in.name, result.problems);
    const LayerJacobian& jac = *result.jacobian;
    try {
        std::string text = "{\"layer\": " + json::string(layerName(s.norm.layerOrDefault())) +
                           ",\n \"set\": " + json::string(jac.set.name) +
                           ",\n \"size\": " + std::to_string(jac.set.size()) +
                           ",\n \"matrix\": " + json::matrix(jac.matrix, 1) +
                           ",\n \"eigenvalues\": " + json::row(jac.eigenvalues.transpose()) +
                           ",\n \"null_space_dim\": " + std::to_string(jac.nullSpaceDim()) + "}\n";
        return text;
    } catch (const std::domain_error&) {  // a NaN or infinity: never printed
        throw BadInput{in.name + ": " + jac.set.name + ": the Jacobian is not finite"};
    }
}

}  // namespace bnflow::cli
