//! Matching (`matchOrders` and its sponsored and Boost variants) and order management
//! (`manage*Order`). The four entry points of each kind differ only in the generated call
//! type, so each kind is one macro.

use alloy_primitives::{B256, Bytes};
use alloy_sol_types::SolCall;
use pocolab_core::{self as core, Env, Operation};

use super::{EvmPoco, EvmResult};
use crate::{abi, convert};

/// `matchOrders`-shaped entry points: the four orders in, the deal id out.
macro_rules! match_entry_points {
    ($($(#[$doc:meta])* $fn:ident => $call:ident, $op:literal;)*) => {
        impl EvmPoco {
            $(
                $(#[$doc])*
                pub fn $fn(
                    &mut self,
                    env: &Env,
                    app: &core::AppOrder,
                    dataset: &core::DatasetOrder,
                    wp: &core::WorkerpoolOrder,
                    req: &core::RequestOrder,
                ) -> EvmResult<B256> {
                    let c = abi::$call::new((
                        convert::app_order(app),
                        convert::dataset_order(dataset),
                        convert::workerpool_order(wp),
                        convert::request_order(req),
                    ));
                    self.poco(env, $op, c)
                }
            )*
        }
    };
}

match_entry_points! {
    /// `matchOrders`.
    match_orders => matchOrdersCall, "matchOrders";
    /// `sponsorMatchOrders`.
    sponsor_match_orders => sponsorMatchOrdersCall, "sponsorMatchOrders";
    /// `matchOrdersBoost`.
    match_orders_boost => matchOrdersBoostCall, "matchOrdersBoost";
    /// `sponsorMatchOrdersBoost`.
    sponsor_match_orders_boost => sponsorMatchOrdersBoostCall, "sponsorMatchOrdersBoost";
}

/// `manage*Order` entry points: one order, the operation and its signature, wrapped in the
/// order kind's `*OrderOperation`.
macro_rules! manage_entry_points {
    ($(
        $(#[$doc:meta])*
        $fn:ident($order:ident, $convert:ident) => $call:ident($operation:ident), $op:literal;
    )*) => {
        impl EvmPoco {
            $(
                $(#[$doc])*
                pub fn $fn(
                    &mut self,
                    env: &Env,
                    order: &core::$order,
                    op: Operation,
                    sign: &[u8],
                ) -> EvmResult<()> {
                    let c = abi::$call::new((abi::$operation {
                        order: convert::$convert(order),
                        operation: op as u8,
                        sign: Bytes::copy_from_slice(sign),
                    },));
                    self.poco_unit(env, $op, c)
                }
            )*
        }
    };
}

manage_entry_points! {
    /// `manageAppOrder`.
    manage_app_order(AppOrder, app_order)
        => manageAppOrderCall(AppOrderOperation), "manageAppOrder";
    /// `manageDatasetOrder`.
    manage_dataset_order(DatasetOrder, dataset_order)
        => manageDatasetOrderCall(DatasetOrderOperation), "manageDatasetOrder";
    /// `manageWorkerpoolOrder`.
    manage_workerpool_order(WorkerpoolOrder, workerpool_order)
        => manageWorkerpoolOrderCall(WorkerpoolOrderOperation), "manageWorkerpoolOrder";
    /// `manageRequestOrder`.
    manage_request_order(RequestOrder, request_order)
        => manageRequestOrderCall(RequestOrderOperation), "manageRequestOrder";
}
