// The statistics of a layer that reduces rows or blocks of rows (layer norm, RMSNorm, group norm:
// core/math/family.h Reduction), one table for several of them: rows are samples, a column per
// quantity, or per quantity and group for group norm ("mean g=1"). Batch norm's statistics are
// per feature and live in FeatureModel instead.
#pragma once

#include <tables/result_models.h>

namespace bnflow::ui {

class SetModel : public DocumentTableModel {
    Q_OBJECT
public:
    SetModel(const SessionDocument* document, const DisplaySettings* display,
             std::vector<std::string_view> quantityIds, QObject* parent = nullptr);
    // Shows other quantities (the layer changed); a reset of the model.
    void setQuantities(std::vector<std::string_view> quantityIds);
    QVariant data(const QModelIndex& index, int role) const override;
    QVariant headerData(int section, Qt::Orientation orientation, int role) const override;
    std::optional<Shown> shownAt(int row, int column) const override;

protected:
    QSize documentShape() const override;
    void cacheScale() override;
    std::optional<double> valueAt(int row, int column) const override;

private:
    // The statistics per sample: 1 for layer norm and RMSNorm, G for group norm.
    int setsPerSample() const;
    std::vector<std::string_view> ids_;
    std::vector<double> scales_;
};

}  // namespace bnflow::ui
