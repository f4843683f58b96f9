// Words a student knows: every string the main window shows (menus, tabs, labels, buttons,
// tooltips, table headers, list and combo items, step names) after each example of File >
// Examples, checked against a fixed list of developer words; and the jargon that is meant to
// stay (cell 1..4, staged, fused, invStd) explained by a tooltip wherever it shows.
#include <window/file_actions.h>

#include "window_fixture.h"

#include <QAbstractButton>
#include <QAbstractItemView>
#include <QComboBox>
#include <QDockWidget>
#include <QGroupBox>
#include <QLabel>
#include <QLineEdit>
#include <QMenu>
#include <QMenuBar>
#include <QRegularExpression>
#include <QTabBar>
#include <QTextDocumentFragment>
#include <QtTest>

using namespace bnflow;
using namespace bnflow::ui;

namespace {

struct Shown {
    QString where;    // the widget or action, for the failure message
    QString text;     // what the user reads
    QString toolTip;  // what explains it, if anything
};

QString plain(const QString& text)
{
    return Qt::mightBeRichText(text) ? QTextDocumentFragment::fromHtml(text).toPlainText() : text;
}

void addAction(QList<Shown>& shown, const QAction* action)
{
    const QString where = QStringLiteral("action ") + action->text();
    shown << Shown{where, plain(action->text()), plain(action->toolTip())}
          << Shown{where + QStringLiteral(" (status tip)"), plain(action->statusTip()), {}};
    if (action->menu())
        for (const QAction* sub : action->menu()->actions())
            addAction(shown, sub);
}

void addModel(QList<Shown>& shown, const QString& where, const QAbstractItemModel* model)
{
    if (!model)
        return;
    const auto header = [&](Qt::Orientation orientation, int count) {
        for (int k = 0; k < count; ++k)
            shown << Shown{where + QStringLiteral(" header ") + QString::number(k),
                           plain(model->headerData(k, orientation, Qt::DisplayRole).toString()),
                           plain(model->headerData(k, orientation, Qt::ToolTipRole).toString())};
    };
    header(Qt::Horizontal, model->columnCount());
    header(Qt::Vertical, model->rowCount());
    for (int row = 0; row < std::min(model->rowCount(), 60); ++row)
        for (int column = 0; column < std::min(model->columnCount(), 12); ++column) {
            const QModelIndex index = model->index(row, column);
            shown << Shown{where + QStringLiteral(" item %1,%2").arg(row).arg(column),
                           plain(model->data(index, Qt::DisplayRole).toString()),
                           plain(model->data(index, Qt::ToolTipRole).toString())};
        }
}

// Everything a user can read in `window` (visible or a tab away).
QList<Shown> shownStrings(QWidget* window)
{
    QList<Shown> shown;
    for (const QAction* action : window->findChild<QMenuBar*>()->actions())
        addAction(shown, action);
    for (const QWidget* widget : window->findChildren<QWidget*>()) {
        const QString where = QString::fromLatin1(widget->metaObject()->className()) + QLatin1Char(' ') +
                              widget->objectName();
        const QString tip = plain(widget->toolTip());
        shown << Shown{where + QStringLiteral(" (tooltip)"), tip, tip};
        if (auto* label = qobject_cast<const QLabel*>(widget))
            shown << Shown{where, plain(label->text()), tip};
        else if (auto* button = qobject_cast<const QAbstractButton*>(widget))
            shown << Shown{where, plain(button->text()), tip};
        else if (auto* box = qobject_cast<const QGroupBox*>(widget))
            shown << Shown{where, box->title(), tip};
        else if (auto* dock = qobject_cast<const QDockWidget*>(widget))
            shown << Shown{where, dock->windowTitle(), tip};
        else if (auto* edit = qobject_cast<const QLineEdit*>(widget))
            shown << Shown{where + QStringLiteral(" (placeholder)"), edit->placeholderText(), tip};
        else if (auto* combo = qobject_cast<const QComboBox*>(widget))
            for (int k = 0; k < combo->count(); ++k)
                shown << Shown{where + QStringLiteral(" item"), combo->itemText(k),
                               plain(combo->itemData(k, Qt::ToolTipRole).toString()) + tip};
        else if (auto* tabs = qobject_cast<const QTabBar*>(widget))
            for (int k = 0; k < tabs->count(); ++k)
                shown << Shown{where + QStringLiteral(" tab"), tabs->tabText(k), plain(tabs->tabToolTip(k))};
        else if (auto* view = qobject_cast<const QAbstractItemView*>(widget))
            addModel(shown, where, view->model());
    }
    return shown;
}

// Words that belong in the source, not on the screen. A word with an underscore between
// letters is an identifier (dx_via_xhat, var_path_missing, inv_std).
const QList<QRegularExpression>& developerWords()
{
    static const QList<QRegularExpression> words{
        QRegularExpression(QStringLiteral("\\b[A-Za-z]+(?:_[A-Za-z]+)+\\b")),
        QRegularExpression(QStringLiteral("core/|ui/|doc/[a-z]+\\.md|\\.cpp\\b|\\.h\\b")),
        QRegularExpression(QStringLiteral("\\b(?:nullptr|TODO|FIXME|XXX|valueOf|std::|Q_[A-Z]+|Analysis|SessionDocument)\\b")),
        QRegularExpression(QStringLiteral("\\bstep id\\b|\\bstepId\\b")),
    };
    return words;
}

}  // namespace

class TestUiWords : public QObject, private bnflow::test::WindowFixture {
    Q_OBJECT
private slots:
    void initTestCase() { QStandardPaths::setTestModeEnabled(true); }
    void init() { QVERIFY(openWindow()); }
    void cleanup() { closeWindow(); }
    void noDeveloperWordsAfterEveryExample();
    void jargonIsExplainedWhereItShows();

private:
    QStringList offending(const QString& example) const;
};

QStringList TestUiWords::offending(const QString& example) const
{
    QStringList found;
    for (const Shown& s : shownStrings(window_))
        for (const QRegularExpression& word : developerWords()) {
            const QRegularExpressionMatch match = word.match(s.text);
            if (match.hasMatch())
                found << QStringLiteral("%1: %2: \"%3\" in \"%4\"").arg(example, s.where, match.captured(), s.text.left(120));
        }
    return found;
}

void TestUiWords::noDeveloperWordsAfterEveryExample()
{
    QStringList found = offending(QStringLiteral("(start)"));
    QList<QAction*> examples;
    std::function<void(QMenu*)> collect = [&](QMenu* menu) {
        for (QAction* action : menu->actions())
            if (action->menu())
                collect(action->menu());
            else if (!action->isSeparator())
                examples << action;
    };
    collect(window_->files()->examplesMenu());
    QVERIFY(examples.size() >= 20);
    for (QAction* action : examples) {
        action->trigger();
        QTest::qWait(0);
        found << offending(action->text());
    }
    found.removeDuplicates();
    for (const QString& line : found)  // every one (a failure message is cut short)
        qInfo().noquote() << line;
    QVERIFY2(found.isEmpty(), qPrintable(QStringLiteral("%1 developer words shown").arg(found.size())));
}

// "cell 1..4", "staged", "fused", "invStd" and the other layers' statistics (rrms, ms) are the
// app's own words: wherever one shows, a tooltip says what it means.
void TestUiWords::jargonIsExplainedWhereItShows()
{
    const QRegularExpression jargon(QStringLiteral("\\b(?:[Cc]ell [1-4]|[Ss]taged|[Ff]used|invStd|rrms|ms)\\b"));
    QStringList unexplained;
    const auto look = [&](const QString& example) {
        for (const Shown& s : shownStrings(window_))
            if (s.text.contains(jargon) && s.toolTip.trimmed().isEmpty() && !s.where.endsWith(QLatin1String("(status tip)")))
                unexplained << QStringLiteral("%1: %2: \"%3\"").arg(example, s.where, s.text.left(80));
    };
    look(QStringLiteral("(start)"));
    for (const QString& layer : {QStringLiteral("Layer norm"), QStringLiteral("RMSNorm")})
        for (QAction* action : window_->files()->examplesMenu()->findChildren<QAction*>())
            if (action->text() == layer) {
                action->trigger();
                look(layer);
            }
    unexplained.removeDuplicates();
    for (const QString& line : unexplained)
        qInfo().noquote() << line;
    QVERIFY2(unexplained.isEmpty(), qPrintable(QStringLiteral("%1 unexplained").arg(unexplained.size())));
}

QTEST_MAIN(TestUiWords)
#include "test_ui_words.moc"
