//! The product file; its columns are described in the module documentation
//! of [`super`].

use super::table::{Col, Row, Table};
use super::{ParsedProducts, RowError};
use crate::domain::{NewProduct, ProductBarcode, StockEntry};
use std::collections::HashMap;

struct Columns {
    sku: Col,
    name: Col,
    weight_g: Col,
    bin: Col,
    category: Col,
    barcodes: Col,
    stock: Col,
}

pub(super) fn parse(table: &Table) -> Result<ParsedProducts, String> {
    table.require(&["sku", "name"], "product")?;
    let c = Columns {
        sku: table.col("sku"),
        name: table.col("name"),
        weight_g: table.col("weight_g"),
        bin: table.col("bin"),
        category: table.col("category"),
        barcodes: table.col("barcodes"),
        stock: table.col("stock"),
    };
    let mut parsed = ParsedProducts::default();
    // Where each SKU and barcode was first seen: the store would refuse the
    // second one anyway, and here we can still say which row to fix.
    let mut skus: HashMap<String, usize> = HashMap::new();
    let mut codes: HashMap<String, (usize, String)> = HashMap::new();
    for row in &table.rows {
        let checked = product(row, &c).and_then(|p| {
            if let Some(first) = skus.get(&p.sku) {
                return Err(format!(
                    "SKU {} is already on row {first}; list each product once",
                    p.sku
                ));
            }
            for b in &p.barcodes {
                if let Some((first, sku)) = codes.get(&b.code) {
                    return Err(format!(
                        "barcode {} is already given to {sku} on row {first}; \
                         a barcode must name one product",
                        b.code
                    ));
                }
            }
            Ok(p)
        });
        match checked {
            Ok(p) => {
                skus.insert(p.sku.clone(), row.number);
                for b in &p.barcodes {
                    codes.insert(b.code.clone(), (row.number, p.sku.clone()));
                }
                parsed.products.push((row.number, p));
            }
            Err(message) => parsed.errors.push(RowError {
                row: row.number,
                order: None,
                message,
            }),
        }
    }
    Ok(parsed)
}

fn product(row: &Row, c: &Columns) -> Result<NewProduct, String> {
    let sku = row.get(c.sku);
    let weight = row.get(c.weight_g);
    let weight_g = if weight.is_empty() {
        0
    } else {
        weight.parse().map_err(|_| {
            format!("weight_g {weight:?} is not a whole number of grams; write it like 250")
        })?
    };
    let bin = row.get(c.bin);
    let barcodes = barcodes(row.get(c.barcodes))?;
    let stock_text = row.get(c.stock);
    let stock = if stock_text.is_empty() {
        Vec::new()
    } else {
        let on_hand: i64 = stock_text.parse().map_err(|_| {
            format!("stock {stock_text:?} is not a whole number of units; write it like 12")
        })?;
        if bin.is_empty() {
            return Err(format!(
                "{sku} has stock {on_hand} but no bin; fill in the bin the stock lies in"
            ));
        }
        vec![StockEntry {
            bin: bin.to_string(),
            on_hand,
        }]
    };
    let product = NewProduct {
        sku: sku.to_string(),
        name: row.get(c.name).to_string(),
        category: c
            .category
            .is_present()
            .then(|| row.get(c.category).to_string()),
        weight_g,
        default_bin: (!bin.is_empty()).then(|| bin.to_string()),
        barcodes,
        stock,
    };
    product.validate()?;
    Ok(product)
}

/// Barcodes separated by ';', ',' or spaces; `CODE*12` is a case barcode
/// that counts 12 units per scan.
fn barcodes(cell: &str) -> Result<Vec<ProductBarcode>, String> {
    let mut out: Vec<ProductBarcode> = Vec::new();
    for item in cell
        .split(|c: char| c == ';' || c == ',' || c.is_whitespace())
        .filter(|s| !s.is_empty())
    {
        let (code, units) = match item.split_once('*') {
            None => (item, 1),
            Some((code, units)) => {
                let units: i64 = units.parse().map_err(|_| {
                    format!(
                        "barcode {item:?}: after '*' comes the number of units in the case, \
                         like 4601234567893*12"
                    )
                })?;
                (code, units)
            }
        };
        if out.iter().any(|b| b.code == code) {
            return Err(format!("barcode {code} is listed twice; list it once"));
        }
        out.push(ProductBarcode {
            code: code.to_string(),
            units,
        });
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::super::parse_products;
    use crate::domain::{ProductBarcode, StockEntry};

    #[test]
    fn the_example_file_reads_every_product_with_case_barcodes_and_stock() {
        let bytes = include_bytes!(concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/../tests/fixtures/products.csv"
        ));
        let p = parse_products(bytes).unwrap();
        assert!(
            p.errors.is_empty(),
            "the example must be a good file: {:?}",
            p.errors
        );
        assert_eq!(p.products.len(), 6);

        let (row, mug) = &p.products[0];
        assert_eq!(*row, 1);
        assert_eq!(mug.sku, "PB-0001");
        assert_eq!(
            mug.name, "Кружка «Утро», 350 мл",
            "Cyrillic and quoted commas kept"
        );
        assert_eq!(mug.weight_g, 320);
        assert_eq!(mug.default_bin.as_deref(), Some("A-02"));
        assert_eq!(
            mug.barcodes,
            vec![
                ProductBarcode {
                    code: "4601234567893".into(),
                    units: 1
                },
                ProductBarcode {
                    code: "14601234567890".into(),
                    units: 12
                },
            ],
            "the case barcode counts twelve mugs per scan"
        );
        assert_eq!(
            mug.stock,
            vec![StockEntry {
                bin: "A-02".into(),
                on_hand: 40
            }]
        );

        let bare = &p.products[5].1;
        assert!(
            bare.barcodes.is_empty() && bare.stock.is_empty() && bare.default_bin.is_none(),
            "optional columns left empty give an empty product, not an error"
        );
    }

    #[test]
    fn a_bad_row_is_reported_and_the_others_kept() {
        let text = "sku,name,weight_g,bin,barcodes,stock\n\
                    PB-1,Кружка,300,A-1,4601234567893*x,\n\
                    PB-2,Чайник,heavy,,,\n\
                    PB-3,,100,,,\n\
                    PB-4,Ложка,20,,,5\n\
                    PB-5,Вилка,20,B-1,111 222*6;333,7\n";
        let p = parse_products(text.as_bytes()).unwrap();
        let rows: Vec<usize> = p.errors.iter().map(|e| e.row).collect();
        assert_eq!(rows, vec![1, 2, 3, 4], "{:?}", p.errors);
        assert!(
            p.errors[0].message.contains("units in the case"),
            "{}",
            p.errors[0].message
        );
        assert!(
            p.errors[1].message.contains("weight_g"),
            "{}",
            p.errors[1].message
        );
        assert!(
            p.errors[2].message.contains("no name"),
            "validate() speaks for row 3"
        );
        assert!(
            p.errors[3].message.contains("no bin"),
            "{}",
            p.errors[3].message
        );
        assert_eq!(p.products.len(), 1);
        assert_eq!(
            p.products[0].1.barcodes.len(),
            3,
            "spaces and ';' both separate barcodes"
        );
        assert_eq!(p.products[0].1.barcodes[1].units, 6);
    }

    #[test]
    fn a_repeated_sku_or_barcode_is_refused_on_the_later_row() {
        let text = "sku,name,barcodes\nPB-1,Кружка,111\nPB-1,Кружка,222\nPB-2,Чайник,111\n";
        let p = parse_products(text.as_bytes()).unwrap();
        assert_eq!(p.products.len(), 1);
        assert!(
            p.errors[0].message.contains("row 1"),
            "{}",
            p.errors[0].message
        );
        assert!(
            p.errors[1].message.contains("PB-1"),
            "{}",
            p.errors[1].message
        );
    }

    #[test]
    fn a_file_without_a_name_column_is_refused() {
        let err = parse_products(b"sku,weight_g\nPB-1,100\n").unwrap_err();
        assert!(err.contains("\"name\""), "{err}");
    }
}
