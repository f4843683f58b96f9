// The app's own words (cell 1..4, staged, fused, invStd, RMSNorm's ms and rrms), each explained
// in a sentence, for the tooltips of whatever shows them: a student meets the word and its
// meaning in the same place.
#pragma once

#include <QString>

namespace bnflow::ui {

// One line per jargon word that `text` uses, in a fixed order; empty when it uses none.
QString jargonToolTip(const QString& text);

}  // namespace bnflow::ui
