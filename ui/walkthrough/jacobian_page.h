// The handout's last page: the Jacobian of the focused set (plots/jacobian_plot.h), the heatmap
// beside its eigenvalues, drawn as vectors across the column, with what it shows in words.
#pragma once

#include <walkthrough/handout.h>
#include <walkthrough/handout_page.h>

namespace bnflow::ui::handout {

// On a new page of `pages`: the jacobian plot of the set that feature and sample select, checked
// against stagedDx. A set too large (M > 4096) gets the reason instead; a session whose exercise
// hides values gets no page (the matrix holds xhat and invStd).
void drawJacobianPage(PdfPages& pages, const Session& session, const Matrix& stagedDx, HandoutFocus focus);

}  // namespace bnflow::ui::handout
