// "Inject a mistake": what code with one known mistake outputs for the document's session, and
// how the gradient check and the invariant "each column of dx sums to 0" expose it. Computed by
// core (inject.h); this view only arranges the numbers.
#pragma once

#include <core/teach/inject.h>

#include <QTextBrowser>

namespace bnflow::ui {

class DisplaySettings;
class SessionDocument;

class InjectView : public QTextBrowser {
    Q_OBJECT
public:
    InjectView(const SessionDocument* document, const DisplaySettings* display, QWidget* parent = nullptr);

    // The latest outcome for the exercise's "inject" (none when it is empty), for tests.
    const std::optional<InjectOutcome>& outcome() const { return outcome_; }
    void refresh();

private:
    QString outputHtml(const InjectedMistake& r) const;
    QString exposureHtml(const InjectedMistake& r) const;
    // A wrong output's cell: "?" when it equals a right value the exercise hides (e.g. dbeta,
    // which most mistakes leave right), so that a mistake never gives an answer away.
    QString cellText(std::string_view id, Eigen::Index i, Eigen::Index j, double wrong) const;

    const SessionDocument* document_;
    const DisplaySettings* display_;
    std::optional<InjectOutcome> outcome_;
};

}  // namespace bnflow::ui
