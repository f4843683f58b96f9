#include "plugged.h"

#include <cstdio>
#include <stdexcept>

namespace bnflow {
namespace {

constexpr Eigen::Index kShown = 4;  // values listed before eliding the middle of a column

class Writer {
public:
    Writer(Eigen::Index feature, int digits) : j_(feature), digits_(digits) {}

    std::string num(double v) const
    {
        char buffer[40];
        std::snprintf(buffer, sizeof buffer, "%.*g", digits_, v);
        std::string s = buffer;
        if (!s.empty() && s[0] == '-')
            s = "\u2212" + s.substr(1);  // a real minus sign
        return s;
    }
    std::string at(const RowVector& v) const { return num(v[j_]); }
    // The feature's column: [a, b, c, …, z]
    std::string column(const Matrix& m) const { return "[" + joined(m, ", ") + "]"; }
    // (a + b + c + … + z)
    std::string sum(const Matrix& m) const { return "(" + joined(m, " + ") + ")"; }

private:
    std::string joined(const Matrix& m, const char* separator) const
    {
        std::string out;
        const Eigen::Index n = m.rows();
        for (Eigen::Index i = 0; i < n; ++i) {
            if (n > kShown + 1 && i == kShown - 1) {
                out += std::string(separator) + "\u2026";
                i = n - 1;
            }
            if (!out.empty() || i > 0)
                out += i == 0 ? "" : separator;
            out += num(m(i, j_));
        }
        return out;
    }

    Eigen::Index j_;
    int digits_;
};

}  // namespace

std::string pluggedIn(std::string_view id, const Session& s, const Analysis& a, Eigen::Index j,
                      int digits)
{
    if (j < 0 || j >= s.features())
        throw std::out_of_range("pluggedIn: no feature " + std::to_string(j));
    const Writer w(j, digits);
    const auto& f = a.forward;
    const auto& g = a.staged;
    const auto& t = a.fused;
    const std::string n = std::to_string(s.samples());
    if (id == "mu") return "\u03bc = (1/N) \u03a3 x = (1/" + n + ") \u00b7 " + w.sum(s.x) + " = " + w.at(f.mean);
    if (id == "xmu") return "xmu = x \u2212 \u03bc = " + w.column(s.x) + " \u2212 " + w.at(f.mean) + " = " + w.column(f.xmu);
    if (id == "var") return "\u03c3\u00b2 = (1/N) \u03a3 xmu\u00b2, xmu = " + w.column(f.xmu) + "  \u2192  " + w.at(f.var);
    if (id == "inv_std") return "r = 1/\u221a(\u03c3\u00b2 + \u03b5) = 1/\u221a(" + w.at(f.var) + " + " + w.num(s.eps) + ") = " + w.at(f.invStd);
    if (id == "xhat") return "xhat = xmu \u00b7 r = " + w.column(f.xmu) + " \u00b7 " + w.at(f.invStd) + " = " + w.column(f.xhat);
    if (id == "y") return "y = \u03b3 xhat + \u03b2 = " + w.at(s.gamma) + " \u00b7 " + w.column(f.xhat) + " + " + w.at(s.beta) + " = " + w.column(f.y);
    if (id == "dy") return "dy = dout = " + w.column(s.dout);
    if (id == "dbeta") return "d\u03b2 = \u03a3 dy = " + w.sum(s.dout) + " = " + w.at(g.dbeta);
    if (id == "dgamma") return "d\u03b3 = \u03a3 dy\u00b7xhat, dy = " + w.column(s.dout) + ", xhat = " + w.column(f.xhat) + "  \u2192  " + w.at(g.dgamma);
    if (id == "dxhat") return "dxhat = dy \u00b7 \u03b3 = " + w.column(s.dout) + " \u00b7 " + w.at(s.gamma) + " = " + w.column(g.dxhat);
    if (id == "dinv_std") return "dr = \u03a3 dxhat\u00b7xmu, dxhat = " + w.column(g.dxhat) + ", xmu = " + w.column(f.xmu) + "  \u2192  " + w.at(g.dinvStd);
    if (id == "dvar") return "d\u03c3\u00b2 = dr \u00b7 (\u2212\u00bd)(\u03c3\u00b2 + \u03b5)^(\u22123/2) = " + w.at(g.dinvStd) + " \u00b7 (\u2212\u00bd)(" + w.at(f.var) + " + " + w.num(s.eps) + ")^(\u22123/2) = " + w.at(g.dvar);
    if (id == "dmu_via_xhat") return "\u2212r \u03a3 dxhat = \u2212" + w.at(f.invStd) + " \u00b7 " + w.sum(g.dxhat) + " = " + w.at(g.dmeanViaXhat);
    if (id == "dmu_via_var") return "d\u03c3\u00b2 \u00b7 (\u22122/N) \u03a3 xmu = " + w.at(g.dvar) + " \u00b7 (\u22122/" + n + ") \u00b7 " + w.sum(f.xmu) + " = " + w.at(g.dmeanViaVar) + "   (\u03a3 xmu is 0 up to rounding)";
    if (id == "dmu") return "d\u03bc = " + w.at(g.dmeanViaXhat) + " + " + w.at(g.dmeanViaVar) + " = " + w.at(g.dmean);
    if (id == "dx_via_xhat") return "dxhat \u00b7 r = " + w.column(g.dxhat) + " \u00b7 " + w.at(f.invStd) + " = " + w.column(g.dxViaXhat);
    if (id == "dx_via_var") return "d\u03c3\u00b2 \u00b7 2xmu/N = " + w.at(g.dvar) + " \u00b7 2 \u00b7 " + w.column(f.xmu) + "/" + n + " = " + w.column(g.dxViaVar);
    if (id == "dxmu") return "dxmu = " + w.column(g.dxViaXhat) + " + " + w.column(g.dxViaVar) + " = " + w.column(g.dxmu);
    if (id == "dx_via_mu") return "d\u03bc/N = " + w.at(g.dmean) + "/" + n + " = " + w.at(g.dxViaMean) + ", the same for every sample";
    if (id == "dx") return "dx = dxmu + d\u03bc/N = " + w.column(g.dxmu) + " + " + w.at(g.dxViaMean) + " = " + w.column(g.dx);
    if (id == "fused_term1") return "N dxhat = " + n + " \u00b7 " + w.column(g.dxhat) + " = " + w.column(t.term1);
    if (id == "fused_term2") return "\u03a3 dxhat = " + w.sum(g.dxhat) + " = " + w.at(t.term2);
    if (id == "fused_term3") return "xhat \u00b7 \u03a3 dxhat\u00b7xhat = " + w.column(f.xhat) + " \u00b7 " + w.at(t.sumDxhatXhat) + " = " + w.column(t.term3);
    if (id == "fused_dx") return "dx = (r/N)(term1 \u2212 term2 \u2212 term3) = (" + w.at(f.invStd) + "/" + n + ") \u00b7 (" + w.column(t.term1) + " \u2212 " + w.at(t.term2) + " \u2212 " + w.column(t.term3) + ") = " + w.column(t.grads.dx);
    if (id == "fused_diff") return "|dx fused \u2212 dx staged| = " + w.column(a.absDiffDx);
    throw std::invalid_argument("pluggedIn: unknown step " + std::string(id));
}

}  // namespace bnflow
