// The handout's last page: the Jacobian of the focused set (plots/jacobian_plot.h), the heatmap
// beside its eigenvalues, drawn as vectors across the column, with what it shows in words.
#pragma once

#include <walkthrough/handout.h>
#include <walkthrough/handout_page.h>

namespace bnflow::ui::handout {

// The largest set whose Jacobian a handout draws: 256 x 256 cells already print smaller than a
// tenth of a millimetre, and the eigenvalues of M = 4096 took minutes.
inline constexpr Eigen::Index kMaxHandoutJacobian = 256;

// On a new page of `pages`: the jacobian plot of the set that feature and sample select, checked
// against stagedDx. A set larger than kMaxHandoutJacobian gets a note naming its size instead; a
// session whose exercise hides values gets no page (the matrix holds xhat and invStd).
void drawJacobianPage(PdfPages& pages, const Session& session, const Matrix& stagedDx, HandoutFocus focus);

}  // namespace bnflow::ui::handout
