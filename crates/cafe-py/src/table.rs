//! Tables for Python: a run's tables (orders, steps, events), built by the library's
//! columnar view (`async_cafe::view::columns`) and turned into Arrow arrays column by
//! column, or a sweep's CSV read into one; either is one Arrow record batch, handed
//! to Python through the Arrow PyCapsule interface (`__arrow_c_stream__`), which
//! pandas, pyarrow, polars and DuckDB read without going through Python objects.
//!
//! The values are the CSV export's: times in seconds (the nearest `float64` to the
//! CSV's exact decimals), whole numbers as `int64`, strings as `string`; an empty
//! cell is a null.

use std::sync::Arc;

use arrow_array::builder::{BooleanBuilder, Float64Builder, Int64Builder, StringBuilder};
use arrow_array::ffi_stream::FFI_ArrowArrayStream;
use arrow_array::{ArrayRef, Float64Array, Int64Array, RecordBatch, RecordBatchIterator, StringArray};
use arrow_buffer::{BooleanBuffer, BooleanBufferBuilder, Buffer, NullBuffer, OffsetBuffer, ScalarBuffer};
use arrow_schema::{ArrowError, DataType, Field, Schema};
use async_cafe::view::columns::{Dict, OwnedColumn, Validity};
use pyo3::exceptions::{PyRuntimeError, PyValueError};
use pyo3::prelude::*;
use pyo3::types::{PyCapsule, PyDict};

/// A column's type.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Col {
    /// `float64`: times (`_s`), shares, means.
    Real,
    /// `int64`: ids, cook numbers, counts.
    Whole,
    /// `bool`: `true` / `false`.
    Flag,
    /// `string`.
    Text,
}

enum Builder {
    Real(Float64Builder),
    Whole(Int64Builder),
    Flag(BooleanBuilder),
    Text(StringBuilder),
}

impl Builder {
    fn new(col: Col) -> Builder {
        match col {
            Col::Real => Builder::Real(Float64Builder::new()),
            Col::Whole => Builder::Whole(Int64Builder::new()),
            Col::Flag => Builder::Flag(BooleanBuilder::new()),
            Col::Text => Builder::Text(StringBuilder::new()),
        }
    }

    fn push(&mut self, cell: &[u8]) -> Result<(), String> {
        let text = std::str::from_utf8(cell).map_err(|e| e.to_string())?;
        if cell.is_empty() {
            match self {
                Builder::Real(b) => b.append_null(),
                Builder::Whole(b) => b.append_null(),
                Builder::Flag(b) => b.append_null(),
                Builder::Text(b) => b.append_null(),
            }
            return Ok(());
        }
        match self {
            Builder::Real(b) => {
                b.append_value(text.parse::<f64>().map_err(|_| format!("not a number: {text:?}"))?)
            }
            Builder::Whole(b) => {
                b.append_value(text.parse::<i64>().map_err(|_| format!("not a whole number: {text:?}"))?)
            }
            Builder::Flag(b) => b.append_value(match text {
                "true" => true,
                "false" => false,
                _ => return Err(format!("not true or false: {text:?}")),
            }),
            Builder::Text(b) => b.append_value(text),
        }
        Ok(())
    }

    fn finish(self) -> (DataType, ArrayRef) {
        match self {
            Builder::Real(mut b) => (DataType::Float64, Arc::new(b.finish())),
            Builder::Whole(mut b) => (DataType::Int64, Arc::new(b.finish())),
            Builder::Flag(mut b) => (DataType::Boolean, Arc::new(b.finish())),
            Builder::Text(mut b) => (DataType::Utf8, Arc::new(b.finish())),
        }
    }
}

/// Reads CSV from `reader` (a header line, then rows) into a record batch, typing
/// column `i` named `name` as `kind(i, name, columns)`.
pub fn read_csv(
    reader: impl std::io::Read,
    kind: &dyn Fn(usize, &str, usize) -> Col,
) -> Result<RecordBatch, String> {
    let mut csv = csv::ReaderBuilder::new().has_headers(true).from_reader(reader);
    let header: Vec<String> = csv.headers().map_err(|e| e.to_string())?.iter().map(str::to_string).collect();
    let n = header.len();
    let kinds: Vec<Col> = header.iter().enumerate().map(|(i, h)| kind(i, h, n)).collect();
    let mut builders: Vec<Builder> = kinds.iter().map(|&k| Builder::new(k)).collect();
    let mut record = csv::ByteRecord::new();
    while csv.read_byte_record(&mut record).map_err(|e| e.to_string())? {
        for (b, cell) in builders.iter_mut().zip(record.iter()) {
            b.push(cell)?;
        }
    }
    let (fields, columns): (Vec<Field>, Vec<ArrayRef>) = builders
        .into_iter()
        .zip(&header)
        .map(|(b, name)| {
            let (dt, array) = b.finish();
            (Field::new(name, dt, true), array)
        })
        .unzip();
    RecordBatch::try_new(Arc::new(Schema::new(fields)), columns).map_err(|e| e.to_string())
}

/// A run's table as a record batch: the columns in their order, with their names.
/// Whole numbers become `int64`, seconds `float64`, strings (dictionary-encoded in
/// the library) plain `string` columns, as the CSV export's tables read. The
/// library's vectors become the Arrow arrays' buffers without a copy (values,
/// validity bitmaps, a column's own strings); whole numbers are checked to fit
/// `int64` and dictionary-coded strings are laid out row by row.
pub fn from_columns(columns: Vec<(String, OwnedColumn)>) -> Result<RecordBatch, String> {
    let mut fields = Vec::with_capacity(columns.len());
    let mut arrays: Vec<ArrayRef> = Vec::with_capacity(columns.len());
    for (name, col) in columns {
        let (dt, array): (DataType, ArrayRef) = match col {
            OwnedColumn::Whole(v) => (DataType::Int64, Arc::new(int64(v, None)?)),
            OwnedColumn::MaybeWhole(v) => {
                let nulls = nulls(v.valid);
                (DataType::Int64, Arc::new(int64(v.values, nulls)?))
            }
            OwnedColumn::Seconds(v) => (DataType::Float64, Arc::new(Float64Array::new(v.into(), None))),
            OwnedColumn::MaybeSeconds(v) => {
                (DataType::Float64, Arc::new(Float64Array::new(v.values.into(), nulls(v.valid))))
            }
            OwnedColumn::Text(d) => (DataType::Utf8, Arc::new(strings(d)?)),
        };
        fields.push(Field::new(name, dt, true));
        arrays.push(array);
    }
    RecordBatch::try_new(Arc::new(Schema::new(fields)), arrays).map_err(|e| e.to_string())
}

/// A validity bitmap as Arrow's null buffer (none when every row has a value).
fn nulls(valid: Validity) -> Option<NullBuffer> {
    if valid.null_count() == 0 {
        return None;
    }
    let len = valid.len();
    let bits = BooleanBuffer::new(Buffer::from_vec(valid.into_words()), 0, len);
    Some(NullBuffer::new(bits))
}

/// Whole numbers as `int64`, the same buffer read as signed once every value fits.
fn int64(values: Vec<u64>, nulls: Option<NullBuffer>) -> Result<Int64Array, String> {
    if let Some(&v) = values.iter().find(|&&v| i64::try_from(v).is_err()) {
        return Err(format!("{v} is too large for int64"));
    }
    let len = values.len();
    let values = ScalarBuffer::<i64>::new(Buffer::from_vec(values), 0, len);
    Int64Array::try_new(values, nulls).map_err(|e| e.to_string())
}

/// A column of strings: its own strings as they stand when every row has one of
/// its own, or else each row's string copied out of the dictionary.
fn strings(d: Dict) -> Result<StringArray, String> {
    let offset = |o: usize| i32::try_from(o).map_err(|_| "a string column of more than 2 GiB".to_string());
    if d.is_plain() {
        let offsets = d.offsets.iter().map(|&o| offset(o)).collect::<Result<Vec<i32>, _>>()?;
        let offsets = OffsetBuffer::new(offsets.into());
        return StringArray::try_new(offsets, Buffer::from_vec(d.bytes.into_bytes()), None)
            .map_err(|e| e.to_string());
    }
    let mut bytes = Vec::new();
    let mut offsets = Vec::with_capacity(d.len() + 1);
    offsets.push(0);
    let mut valid = BooleanBufferBuilder::new(d.len());
    for &c in &d.codes {
        if c != Dict::MISSING {
            let (start, end) = (d.offsets[c as usize], d.offsets[c as usize + 1]);
            bytes.extend_from_slice(&d.bytes.as_bytes()[start..end]);
        }
        offsets.push(offset(bytes.len())?);
        valid.append(c != Dict::MISSING);
    }
    let valid = NullBuffer::new(valid.finish());
    let nulls = (valid.null_count() > 0).then_some(valid);
    StringArray::try_new(OffsetBuffer::new(offsets.into()), Buffer::from_vec(bytes), nulls)
        .map_err(|e| e.to_string())
}

/// A table: one Arrow record batch. Read it with `pyarrow.table(t)`,
/// `polars.DataFrame(t)`, `duckdb.sql("from t")`, or `t.to_pandas()` /
/// `t.to_polars()`.
#[pyclass(module = "async_cafe._native", frozen)]
pub struct Table {
    batch: RecordBatch,
    name: String,
}

impl Table {
    /// A table called `name` (for its `repr`).
    pub fn new(name: &str, batch: RecordBatch) -> Table {
        Table { batch, name: name.to_string() }
    }
}

#[pymethods]
impl Table {
    /// The Arrow PyCapsule stream interface: the whole table as one record batch.
    /// `requested_schema` is accepted and ignored (the table has one schema).
    #[pyo3(signature = (requested_schema=None))]
    fn __arrow_c_stream__<'py>(
        &self,
        py: Python<'py>,
        requested_schema: Option<Bound<'py, PyAny>>,
    ) -> PyResult<Bound<'py, PyCapsule>> {
        let _ = requested_schema;
        let schema = self.batch.schema();
        let batches: Vec<Result<RecordBatch, ArrowError>> = vec![Ok(self.batch.clone())];
        let reader = RecordBatchIterator::new(batches, schema);
        let stream = FFI_ArrowArrayStream::new(Box::new(reader));
        PyCapsule::new_with_value(py, stream, c"arrow_array_stream")
    }

    /// The column names, in order.
    #[getter]
    fn column_names(&self) -> Vec<String> {
        self.batch.schema().fields().iter().map(|f| f.name().clone()).collect()
    }

    /// Column name → Arrow type name (`double`, `int64`, `string`, `bool`).
    #[getter]
    fn schema<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyDict>> {
        let d = PyDict::new(py);
        for f in self.batch.schema().fields() {
            let t = match f.data_type() {
                DataType::Float64 => "double",
                DataType::Int64 => "int64",
                DataType::Boolean => "bool",
                _ => "string",
            };
            d.set_item(f.name(), t)?;
        }
        Ok(d)
    }

    /// How many rows.
    #[getter]
    fn num_rows(&self) -> usize {
        self.batch.num_rows()
    }

    fn __len__(&self) -> usize {
        self.batch.num_rows()
    }

    fn __repr__(&self) -> String {
        format!(
            "<async_cafe.Table {}: {} rows × {} columns ({})>",
            self.name,
            self.batch.num_rows(),
            self.batch.num_columns(),
            self.column_names().join(", ")
        )
    }

    /// The table as a `pandas.DataFrame` (needs pandas and pyarrow).
    fn to_pandas<'py>(slf: &Bound<'py, Self>) -> PyResult<Bound<'py, PyAny>> {
        let py = slf.py();
        let helper = py.import("async_cafe._convert")?;
        helper.call_method1("to_pandas", (slf,))
    }

    /// The table as a `polars.DataFrame` (needs polars).
    fn to_polars<'py>(slf: &Bound<'py, Self>) -> PyResult<Bound<'py, PyAny>> {
        let py = slf.py();
        let helper = py.import("async_cafe._convert")?;
        helper.call_method1("to_polars", (slf,))
    }

    /// The table as a `pyarrow.Table` (needs pyarrow).
    fn to_pyarrow<'py>(slf: &Bound<'py, Self>) -> PyResult<Bound<'py, PyAny>> {
        let py = slf.py();
        py.import("pyarrow")?.call_method1("table", (slf,))
    }

    /// A column as a list of Python values (`None` for an empty cell), without
    /// pandas or pyarrow.
    fn column<'py>(&self, py: Python<'py>, name: &str) -> PyResult<Bound<'py, PyAny>> {
        use arrow_array::cast::AsArray;
        use arrow_array::types::{Float64Type, Int64Type};
        let col = self
            .batch
            .column_by_name(name)
            .ok_or_else(|| PyValueError::new_err(format!("no column called {name:?}")))?;
        let list = match col.data_type() {
            DataType::Float64 => {
                col.as_primitive::<Float64Type>().iter().collect::<Vec<_>>().into_pyobject(py)?
            }
            DataType::Int64 => {
                col.as_primitive::<Int64Type>().iter().collect::<Vec<_>>().into_pyobject(py)?
            }
            DataType::Boolean => col.as_boolean().iter().collect::<Vec<_>>().into_pyobject(py)?,
            DataType::Utf8 => col.as_string::<i32>().iter().collect::<Vec<_>>().into_pyobject(py)?,
            other => return Err(PyRuntimeError::new_err(format!("unexpected column type {other}"))),
        };
        Ok(list.into_any())
    }
}
