// A plot spec's series by name, for the plot tests: a missing one fails the test that asked.
#pragma once

#include <plots/plot_spec.h>

#include <QtTest>

namespace bnflow::test {

inline const ui::Series& series(const ui::PlotSpec& spec, std::size_t panel, const QString& name)
{
    for (const ui::Series& s : spec.panels.at(panel).series)
        if (s.name == name)
            return s;
    static const ui::Series none;
    QTest::qFail(qPrintable(QStringLiteral("no series '%1' in %2").arg(name, spec.name)), __FILE__, __LINE__);
    return none;
}

}  // namespace bnflow::test
